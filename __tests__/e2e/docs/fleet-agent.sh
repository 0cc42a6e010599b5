# Every process on the host sends to the local agent; sampling happens in the gateway, so keep every span here.
export MELLEA_TRACE_APPLICATION=true
export MELLEA_TRACE_BACKEND=true
export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317
export OTEL_SERVICE_NAME=answer-service
export OTEL_RESOURCE_ATTRIBUTES=deployment.environment=production,service.version=1.4.2
export OTEL_TRACES_SAMPLER=parentbased_always_on
# The agent is local and fast: a short export timeout; a queue big enough to ride out an agent restart.
export OTEL_EXPORTER_OTLP_TIMEOUT=5000
export OTEL_BSP_MAX_QUEUE_SIZE=8192
