{{/* Names and labels. */}}
{{- define "keyway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "keyway.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "keyway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "keyway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "keyway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "keyway.labels" -}}
helm.sh/chart: {{ include "keyway.chart" . }}
{{ include "keyway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: broker
app.kubernetes.io/part-of: keyway
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "keyway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "keyway.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "keyway.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "keyway.policyConfigMap" -}}
{{- default (printf "%s-policy" (include "keyway.fullname" .)) .Values.policy.existingConfigMap -}}
{{- end -}}

{{/* Fixed paths inside the container; keyway.yml points at them. */}}
{{- define "keyway.configFile" -}}/etc/keyway/keyway.yml{{- end -}}
{{- define "keyway.policyDir" -}}/etc/keyway/policy{{- end -}}
{{- define "keyway.keysDir" -}}/var/lib/keyway/keys{{- end -}}

{{- define "keyway.multiReplica" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) -}}true{{- end -}}
{{- end -}}

{{/* The fewest replicas that may run: what a PodDisruptionBudget has to work with. */}}
{{- define "keyway.minReplicas" -}}
{{- if .Values.autoscaling.enabled -}}{{ int .Values.autoscaling.minReplicas }}{{- else -}}{{ int .Values.replicaCount }}{{- end -}}
{{- end -}}

{{/*
Rules that span several values (values.schema.json checks each value on its own). Every
template includes this, so `helm install` and `helm template` stop with one clear message.
*/}}
{{- define "keyway.validate" -}}
{{- $v := .Values -}}
{{- if and (include "keyway.multiReplica" .) (ne $v.store.type "redis") -}}
{{- fail "several replicas (replicaCount > 1 or autoscaling.enabled) need store.type: redis: with the memory store each replica keeps its own replay and rate-limit state, so a token could be replayed on another replica" -}}
{{- end -}}
{{- if and $v.keys.ephemeral (include "keyway.multiReplica" .) -}}
{{- fail "keys.ephemeral gives every pod its own throwaway key set: it allows one replica only (replicaCount: 1, autoscaling off). Use keys.existingSecret for more" -}}
{{- end -}}
{{- if and $v.keys.ephemeral $v.keys.existingSecret -}}
{{- fail "set either keys.existingSecret or keys.ephemeral, not both" -}}
{{- end -}}
{{- if eq $v.store.type "redis" -}}
{{- if not (or $v.store.redis.uri (and $v.store.redis.existingSecret $v.store.redis.uriKey)) -}}
{{- fail "store.type: redis needs store.redis.uri, or store.redis.existingSecret with store.redis.uriKey" -}}
{{- end -}}
{{- if and $v.store.redis.passwordKey (not $v.store.redis.existingSecret) -}}
{{- fail "store.redis.passwordKey needs store.redis.existingSecret" -}}
{{- end -}}
{{- if and $v.store.redis.uriKey (not $v.store.redis.existingSecret) -}}
{{- fail "store.redis.uriKey needs store.redis.existingSecret" -}}
{{- end -}}
{{- if and $v.store.redis.passwordKey (not $v.store.redis.uriKey) (not (contains "${KEYWAY_REDIS_PASSWORD}" $v.store.redis.uri)) -}}
{{- fail "store.redis.passwordKey is set but store.redis.uri does not use it: write the password in the URI as ${KEYWAY_REDIS_PASSWORD}, e.g. redis://:${KEYWAY_REDIS_PASSWORD}@redis:6379/0" -}}
{{- end -}}
{{- end -}}
{{- if and (has "redis-stream" $v.audit.sinks) (ne $v.store.type "redis") -}}
{{- fail "the redis-stream audit sink needs store.type: redis" -}}
{{- end -}}
{{- if not (or $v.policy.existingConfigMap $v.policy.documents) -}}
{{- fail "no policy: set policy.documents or policy.existingConfigMap (without a policy the broker stays unready)" -}}
{{- end -}}
{{- if and $v.podDisruptionBudget.enabled (lt (int (include "keyway.minReplicas" .)) 2) -}}
{{- fail "podDisruptionBudget.enabled with a single replica would block node drains: run at least 2 (replicaCount, or autoscaling.minReplicas)" -}}
{{- end -}}
{{- if and (not $v.serviceAccount.create) (or $v.cloudIdentity.aws.roleArn $v.cloudIdentity.gcp.serviceAccount $v.cloudIdentity.azure.clientId) -}}
{{- fail "cloudIdentity annotates the ServiceAccount the chart creates; with serviceAccount.create: false annotate your own ServiceAccount and leave cloudIdentity empty (for Azure also set podLabels: {azure.workload.identity/use: \"true\"})" -}}
{{- end -}}
{{- if and $v.autoscaling.enabled (lt (int $v.autoscaling.maxReplicas) (int $v.autoscaling.minReplicas)) -}}
{{- fail "autoscaling.maxReplicas must be at least autoscaling.minReplicas" -}}
{{- end -}}
{{- end -}}

{{/* keyway.yml: the broker's configuration, generated from the values, then values.config merged over it. */}}
{{- define "keyway.config" -}}
{{- $v := .Values -}}
{{- $keyway := dict
  "public-url" $v.publicUrl
  "explain" $v.explain
  "policy" (dict "paths" (list (include "keyway.policyDir" .)) "reload-interval" $v.policy.reloadInterval)
  "keys" (dict "dir" (include "keyway.keysDir" .))
  "audit" (dict "sinks" $v.audit.sinks "stream-max-length" (int64 $v.audit.streamMaxLength))
  "issuers" (dict "max-key-staleness" $v.issuers.maxKeyStaleness)
-}}
{{- if $v.audience -}}
{{- $_ := set $keyway "audience" $v.audience -}}
{{- end -}}
{{- $store := dict "type" $v.store.type "on-failure" $v.store.onFailure "command-timeout" $v.store.commandTimeout -}}
{{- if eq $v.store.type "redis" -}}
{{- if $v.store.redis.uriKey -}}
{{- $_ := set $store "redis-uri" "${KEYWAY_REDIS_URI}" -}}
{{- else -}}
{{- $_ := set $store "redis-uri" $v.store.redis.uri -}}
{{- end -}}
{{- end -}}
{{- $_ := set $keyway "store" $store -}}
{{- $limits := dict "max-token-bytes" (int64 $v.limits.maxTokenBytes) "max-body-bytes" (int64 $v.limits.maxBodyBytes) "clock-skew" $v.limits.clockSkew -}}
{{- if $v.limits.maxInFlight -}}{{- $_ := set $limits "max-in-flight" (int64 $v.limits.maxInFlight) -}}{{- end -}}
{{- if $v.limits.maxQueueWait -}}{{- $_ := set $limits "max-queue-wait" $v.limits.maxQueueWait -}}{{- end -}}
{{- if $v.limits.localConcurrency -}}{{- $_ := set $limits "local-concurrency" (int64 $v.limits.localConcurrency) -}}{{- end -}}
{{- $rate := dict -}}
{{- if $v.limits.rate.perIdentity -}}{{- $_ := set $rate "per-identity" $v.limits.rate.perIdentity -}}{{- end -}}
{{- if $v.limits.rate.perBinding -}}{{- $_ := set $rate "per-binding" $v.limits.rate.perBinding -}}{{- end -}}
{{- if $rate -}}{{- $_ := set $limits "rate" $rate -}}{{- end -}}
{{- $_ := set $keyway "limits" $limits -}}
{{- $config := dict "keyway" $keyway -}}
{{- $config = mustMergeOverwrite $config (deepCopy $v.config) -}}
{{- toYaml $config -}}
{{- end -}}
