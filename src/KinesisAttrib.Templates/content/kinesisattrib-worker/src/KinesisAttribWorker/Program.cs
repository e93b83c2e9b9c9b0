using KinesisAttribWorker;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateBuilder(args);

// Options from section "KinesisAttrib" of appsettings.json and the environment (KinesisAttrib__Region=eu-west-1, ...).
builder.Services.AddKinesisAttrib(builder.Configuration);
builder.Services.AddKinesisHandlers(); // generated from the [KinesisHandler] methods of this project
builder.Services.AddSingleton<OrderTotals>();

// Liveness (the runtime has not failed) and readiness (it holds its leases and reads): tagged "live" and "ready".
builder.Services.AddHealthChecks().AddKinesisAttribHealthChecks();

// The runtime's meter and activity source are both named "KinesisAttrib". Exported over OTLP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set (an OpenTelemetry collector, Aspire's dashboard, ...).
var telemetry = builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter("KinesisAttrib"))
    .WithTracing(tracing => tracing.AddSource("KinesisAttrib"));
if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    telemetry.UseOtlpExporter();
}

var app = builder.Build();
app.MapHealthChecks("/healthz/live", new() { Predicate = check => check.Tags.Contains(KinesisAttribHealthChecksBuilderExtensions.LiveTag) });
app.MapHealthChecks("/healthz/ready", new() { Predicate = check => check.Tags.Contains(KinesisAttribHealthChecksBuilderExtensions.ReadyTag) });
app.Run();
