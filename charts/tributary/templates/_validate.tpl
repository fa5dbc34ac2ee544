{{/*
Value combinations values.schema.json cannot express (it cannot compare two values): each failure
says which value to change.
*/}}
{{- define "tributary.validateValues" -}}
{{- $messages := list }}
{{- range $name, $raw := .Values.services }}
{{- $svc := include "tributary.withDefaults" (dict "value" $raw "defaults" $.Values.serviceDefaults) | fromYaml }}
{{- if and $svc.enabled (eq $svc.kind "consumer") }}
{{- $topic := index $.Values.topics $svc.inputTopic }}
{{- if not $topic }}
{{- $messages = append $messages (printf "services.%s.inputTopic=%q is not in `topics`: add topics.%s.partitions (its partition count)" $name $svc.inputTopic $svc.inputTopic) }}
{{- else if not $svc.force }}
{{- $partitions := int $topic.partitions }}
{{- if gt (int $svc.replicas) $partitions }}
{{- $messages = append $messages (printf "services.%s.replicas=%d exceeds the %d partitions of its input topic %s: the extra consumers would sit idle. Lower replicas, add partitions (and set topics.%s.partitions), or set services.%s.force=true" $name (int $svc.replicas) $partitions $svc.inputTopic $svc.inputTopic $name) }}
{{- end }}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.maxReplicas) $partitions) }}
{{- $messages = append $messages (printf "services.%s.autoscaling.maxReplicas=%d exceeds the %d partitions of its input topic %s. Lower it (0 means the partition count) or set services.%s.force=true" $name (int $svc.autoscaling.maxReplicas) $partitions $svc.inputTopic $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and $svc.enabled (has "influxdb" $svc.uses) (not $.Values.influxdb.enabled) (not $.Values.externalInfluxdb.url) }}
{{- $messages = append $messages (printf "services.%s uses InfluxDB but influxdb.enabled=false and externalInfluxdb.url is empty: set one" $name) }}
{{- end }}
{{- end }}
{{- if and (not .Values.kafka.enabled) (not .Values.externalKafka.bootstrapServers) }}
{{- $messages = append $messages "kafka.enabled=false needs externalKafka.bootstrapServers (host:port[,host:port…]) of the Kafka to use" }}
{{- end }}
{{- if and (not .Values.kafka.enabled) (ne .Values.externalKafka.sasl.mechanism "none") (not .Values.externalKafka.sasl.existingSecret) }}
{{- $messages = append $messages (printf "externalKafka.sasl.mechanism=%s needs externalKafka.sasl.existingSecret: a Secret with the keys %s and %s" .Values.externalKafka.sasl.mechanism .Values.externalKafka.sasl.usernameKey .Values.externalKafka.sasl.passwordKey) }}
{{- end }}
{{- if and .Values.kafka.enabled (gt (int (include "tributary.kafka.replicationFactor" .)) (int .Values.kafka.brokers)) }}
{{- $messages = append $messages (printf "kafka.replicationFactor=%v exceeds kafka.brokers=%v: topics could not be created" .Values.kafka.replicationFactor .Values.kafka.brokers) }}
{{- end }}
{{- if and (not .Values.influxdb.enabled) .Values.externalInfluxdb.url (not .Values.externalInfluxdb.existingSecret) }}
{{- $messages = append $messages "externalInfluxdb.url is set but externalInfluxdb.existingSecret is empty: name the Secret holding its API token" }}
{{- end }}
{{- if and .Values.grafana.enabled (not .Values.influxdb.enabled) (not .Values.externalInfluxdb.url) }}
{{- $messages = append $messages "grafana.enabled=true needs an InfluxDB for its datasource: influxdb.enabled=true or externalInfluxdb.url" }}
{{- end }}
{{- if and (not .Values.postgresql.enabled) (not .Values.externalPostgresql.host) }}
{{- $messages = append $messages "postgresql.enabled=false needs externalPostgresql.host (and externalPostgresql.existingSecret with its password)" }}
{{- end }}
{{- if $messages }}
{{- fail (printf "\n\nTributary values are not valid:\n  - %s\n" (join "\n  - " $messages)) }}
{{- end }}
{{- end }}
