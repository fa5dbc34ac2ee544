{{/* Where the services find Kafka, InfluxDB and PostgreSQL: the chart's own or the external ones. */}}

{{- define "tributary.kafka.headless" -}}
{{- printf "%s-headless" (include "tributary.componentName" (dict "root" . "component" "kafka")) | trunc 63 }}
{{- end }}

{{- define "tributary.kafka.bootstrapServers" -}}
{{- if .Values.kafka.enabled }}
{{- printf "%s:9092" (include "tributary.componentName" (dict "root" . "component" "kafka")) }}
{{- else }}
{{- .Values.externalKafka.bootstrapServers }}
{{- end }}
{{- end }}

{{- define "tributary.kafka.replicationFactor" -}}
{{- if not .Values.kafka.enabled }}
{{- .Values.externalKafka.replicationFactor }}
{{- else if gt (int .Values.kafka.replicationFactor) 0 }}
{{- .Values.kafka.replicationFactor }}
{{- else }}
{{- min (int .Values.kafka.brokers) 3 }}
{{- end }}
{{- end }}

{{/* A KRaft cluster id derived from namespace and release, so that every render agrees (hex is base64url). */}}
{{- define "tributary.kafka.clusterId" -}}
{{- if .Values.kafka.clusterId }}
{{- .Values.kafka.clusterId }}
{{- else }}
{{- printf "%s/%s" .Release.Namespace .Release.Name | sha256sum | trunc 21 }}A
{{- end }}
{{- end }}

{{- define "tributary.kafka.env" -}}
- name: TRIBUTARY_KAFKA_BROKERS
  value: {{ include "tributary.kafka.bootstrapServers" . | quote }}
- name: TRIBUTARY_KAFKA_REPLICATION_FACTOR
  value: {{ include "tributary.kafka.replicationFactor" . | quote }}
{{- if not .Values.kafka.enabled }}
{{- with .Values.externalKafka.sasl }}
{{- if ne .mechanism "none" }}
- name: TRIBUTARY_KAFKA_SASL_MECHANISM
  value: {{ .mechanism | quote }}
- name: TRIBUTARY_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ .existingSecret | quote }}, key: {{ .usernameKey | quote }}}
- name: TRIBUTARY_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .existingSecret | quote }}, key: {{ .passwordKey | quote }}}
{{- end }}
{{- end }}
{{- with .Values.externalKafka.tls }}
{{- if .enabled }}
- name: TRIBUTARY_KAFKA_TLS
  value: "true"
- name: TRIBUTARY_KAFKA_TLS_REJECT_UNAUTHORIZED
  value: {{ .rejectUnauthorized | quote }}
{{- if .existingSecret }}
{{- if .caKey }}
- name: TRIBUTARY_KAFKA_TLS_CA_FILE
  value: /etc/tributary/kafka-tls/{{ .caKey }}
{{- end }}
{{- if and .certKey .keyKey }}
- name: TRIBUTARY_KAFKA_TLS_CERT_FILE
  value: /etc/tributary/kafka-tls/{{ .certKey }}
- name: TRIBUTARY_KAFKA_TLS_KEY_FILE
  value: /etc/tributary/kafka-tls/{{ .keyKey }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The TLS secret's volume and mount, when external Kafka uses TLS with a secret. */}}
{{- define "tributary.kafka.tlsVolume" -}}
{{- if and (not .Values.kafka.enabled) .Values.externalKafka.tls.enabled .Values.externalKafka.tls.existingSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.externalKafka.tls.existingSecret | quote }}
{{- end }}
{{- end }}

{{- define "tributary.kafka.tlsVolumeMount" -}}
{{- if and (not .Values.kafka.enabled) .Values.externalKafka.tls.enabled .Values.externalKafka.tls.existingSecret }}
- name: kafka-tls
  mountPath: /etc/tributary/kafka-tls
  readOnly: true
{{- end }}
{{- end }}

{{- define "tributary.influxdb.url" -}}
{{- if .Values.influxdb.enabled }}
{{- printf "http://%s:8086" (include "tributary.componentName" (dict "root" . "component" "influxdb")) }}
{{- else }}
{{- .Values.externalInfluxdb.url }}
{{- end }}
{{- end }}

{{- define "tributary.influxdb.authSecret" -}}
{{- if .Values.influxdb.enabled }}
{{- default (include "tributary.componentName" (dict "root" . "component" "influxdb-auth")) .Values.influxdb.existingSecret }}
{{- else }}
{{- .Values.externalInfluxdb.existingSecret }}
{{- end }}
{{- end }}

{{- define "tributary.influxdb.tokenKey" -}}
{{- if .Values.influxdb.enabled }}admin-token{{ else }}{{ .Values.externalInfluxdb.tokenKey }}{{ end }}
{{- end }}

{{/* The variables of influx-sink and Grafana's datasource file (INFLUX_URL, _ORG, _BUCKET, _TOKEN). */}}
{{- define "tributary.influxdb.env" -}}
{{- $source := ternary .Values.influxdb .Values.externalInfluxdb .Values.influxdb.enabled }}
- name: INFLUX_URL
  value: {{ include "tributary.influxdb.url" . | quote }}
- name: INFLUX_ORG
  value: {{ $source.org | quote }}
- name: INFLUX_BUCKET
  value: {{ $source.bucket | quote }}
- name: INFLUX_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "tributary.influxdb.authSecret" . | quote }}
      key: {{ include "tributary.influxdb.tokenKey" . | quote }}
{{- end }}

{{- define "tributary.postgresql.host" -}}
{{- if .Values.postgresql.enabled }}
{{- include "tributary.componentName" (dict "root" . "component" "postgresql") }}
{{- else }}
{{- .Values.externalPostgresql.host }}
{{- end }}
{{- end }}

{{- define "tributary.postgresql.secret" -}}
{{- if .Values.postgresql.enabled }}
{{- default (include "tributary.componentName" (dict "root" . "component" "postgresql-auth")) .Values.postgresql.existingSecret }}
{{- else }}
{{- .Values.externalPostgresql.existingSecret }}
{{- end }}
{{- end }}

{{/* libpq's standard variables, which node-postgres reads too. */}}
{{- define "tributary.postgresql.env" -}}
{{- $source := ternary .Values.postgresql .Values.externalPostgresql .Values.postgresql.enabled }}
- name: PGHOST
  value: {{ include "tributary.postgresql.host" . | quote }}
- name: PGPORT
  value: {{ ternary "5432" (toString .Values.externalPostgresql.port) .Values.postgresql.enabled | quote }}
- name: PGDATABASE
  value: {{ $source.database | quote }}
- name: PGUSER
  value: {{ $source.username | quote }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "tributary.postgresql.secret" . | quote }}
      key: {{ ternary "password" .Values.externalPostgresql.passwordKey .Values.postgresql.enabled | quote }}
{{- end }}
