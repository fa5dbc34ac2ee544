{{/*
A value with defaults filled in, as YAML: keys present in the value win even when false, 0 or []
(sprig's merge functions treat those as missing), maps are filled in key by key.
*/}}
{{- define "tributary.withDefaults" -}}
{{- $out := deepCopy (default dict .value) }}
{{- range $key, $default := .defaults }}
{{- if not (hasKey $out $key) }}
{{- $_ := set $out $key $default }}
{{- else if and (kindIs "map" $default) (kindIs "map" (index $out $key)) }}
{{- $_ := set $out $key (include "tributary.withDefaults" (dict "value" (index $out $key) "defaults" $default) | fromYaml) }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* Every enabled service with serviceDefaults merged in, as YAML: `include … | fromYaml`. */}}
{{- define "tributary.enabledServices" -}}
{{- $out := dict }}
{{- range $name, $raw := .Values.services }}
{{- $svc := include "tributary.withDefaults" (dict "value" $raw "defaults" $.Values.serviceDefaults) | fromYaml }}
{{- if $svc.enabled }}
{{- $_ := set $svc "name" $name }}
{{- if eq $svc.kind "consumer" }}
{{- $topic := default dict (index $.Values.topics $svc.inputTopic) }}
{{- $_ := set $svc "partitions" (int (default 0 $topic.partitions)) }}
{{- $max := int $svc.autoscaling.maxReplicas }}
{{- $_ := set $svc.autoscaling "maxReplicas" (ternary $svc.partitions $max (eq $max 0)) }}
{{- end }}
{{- $_ := set $out $name $svc }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* The service's image: its own override, else <registry>/<prefix><name>:<tag or appVersion>. */}}
{{- define "tributary.serviceImage" -}}
{{- $image := .root.Values.image }}
{{- $override := default dict .svc.image }}
{{- $repository := default (printf "%s/%s%s" $image.registry $image.repositoryPrefix .svc.name) $override.repository }}
{{- $tag := default (default .root.Chart.AppVersion $image.tag) $override.tag }}
{{- printf "%s:%s" $repository (toString $tag) }}
{{- end }}


{{/* A service container's environment. Call with (dict "root" $ "svc" $svc). */}}
{{- define "tributary.service.env" -}}
- name: TRIBUTARY_INSTANCE_ID
  valueFrom:
    fieldRef: {fieldPath: metadata.name}
- {name: TRIBUTARY_HTTP_PORT, value: {{ .svc.ports.http | quote }}}
- {name: TRIBUTARY_GRPC_PORT, value: {{ .svc.ports.grpc | quote }}}
# Below the pod's grace period, so shutdown hooks finish before SIGKILL.
- {name: TRIBUTARY_SHUTDOWN_DEADLINE, value: {{ printf "%ds" (sub (int .svc.terminationGracePeriodSeconds) 5) | quote }}}
- {name: TRIBUTARY_KAFKA_CLIENT_ID, value: {{ .svc.name | quote }}}
{{- if has "kafka" .svc.uses }}
{{- include "tributary.kafka.env" .root | nindent 0 }}
{{- end }}
{{- if has "influxdb" .svc.uses }}
{{- include "tributary.influxdb.env" .root | nindent 0 }}
{{- end }}
{{- if has "postgresql" .svc.uses }}
{{- include "tributary.postgresql.env" .root | nindent 0 }}
{{- end }}
{{- range $key, $value := .svc.env }}
- {name: {{ $key | quote }}, value: {{ $value | toString | quote }}}
{{- end }}
{{- range $key, $ref := .svc.secretEnv }}
- name: {{ $key | quote }}
  valueFrom:
    secretKeyRef: {name: {{ $ref.secret | quote }}, key: {{ $ref.key | quote }}}
{{- end }}
{{- if and (has "postgresql" .svc.uses) .svc.postgresUrlEnv }}
# From the libpq variables above; a password with URL-reserved characters needs encoding.
- name: {{ .svc.postgresUrlEnv | quote }}
  value: postgres://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)
{{- end }}
{{- end }}

{{- define "tributary.service.volumeMounts" -}}
- {name: tmp, mountPath: /tmp}
{{- if has "kafka" .svc.uses }}
{{- with include "tributary.kafka.tlsVolumeMount" .root | trim }}
{{ . }}
{{- end }}
{{- end }}
{{- with .svc.volumeMounts }}
{{- toYaml . | nindent 0 }}
{{- end }}
{{- end }}

{{- define "tributary.service.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if has "kafka" .svc.uses }}
{{- with include "tributary.kafka.tlsVolume" .root | trim }}
{{ . }}
{{- end }}
{{- end }}
{{- with .svc.volumes }}
{{- toYaml . | nindent 0 }}
{{- end }}
{{- end }}
