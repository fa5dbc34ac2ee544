{{/* Every enabled service with serviceDefaults merged in, as YAML: `include … | fromYaml`. */}}
{{- define "tributary.enabledServices" -}}
{{- $out := dict }}
{{- range $name, $raw := .Values.services }}
{{- $svc := mergeOverwrite (deepCopy $.Values.serviceDefaults) (deepCopy $raw) }}
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
