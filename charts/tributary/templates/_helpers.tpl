{{/* Names and labels, as the prometheus-community charts do them. */}}

{{- define "tributary.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tributary.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tributary.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of a component's objects: <fullname>-<component>, at most 63 characters. */}}
{{- define "tributary.componentName" -}}
{{- printf "%s-%s" (include "tributary.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Kubernetes' recommended labels: name is the component (kafka, regime-classifier, …), component its
role (broker, consumer, …), part-of the platform. Selectors: name and instance, never the version.
tributary-ops finds a release's services by these (deploy/ops/src/kube/labels.ts).
*/}}
{{- define "tributary.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "tributary.roles" -}}
kafka: broker
influxdb: database
influxdb-setup: setup
postgresql: database
grafana: dashboards
alerts: monitoring
test-pipeline: test
{{- end }}

{{/* Call with (dict "root" $ "component" "<name>"), plus "role" for a service (its kind). */}}
{{- define "tributary.labels" -}}
helm.sh/chart: {{ include "tributary.chart" .root }}
{{ include "tributary.selectorLabels" . }}
app.kubernetes.io/component: {{ .role | default (index (include "tributary.roles" . | fromYaml) .component) | default "infrastructure" }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ include "tributary.name" .root }}
{{- end }}

{{/* Restricted Pod Security: the pod's part. Call with the uid the image runs as. */}}
{{- define "tributary.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Restricted Pod Security: every container's part. */}}
{{- define "tributary.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "tributary.image" -}}
{{- printf "%s:%s" .repository (toString .tag) }}
{{- end }}

{{/* A Secret value that survives upgrades: the live one when it exists, else a new random one. */}}
{{- define "tributary.keptSecretValue" -}}
{{- $existing := lookup "v1" "Secret" .namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key }}
{{- else }}
{{- randAlphaNum (default 32 .length) | b64enc }}
{{- end }}
{{- end }}
