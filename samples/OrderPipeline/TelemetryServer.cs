using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace OrderPipeline;

/// <summary>
/// <c>consume --http-port P</c>: Prometheus metrics at <c>/metrics</c> (OpenTelemetry's exporter reading the
/// <c>KinesisAttrib</c> meter) and the health checks at <c>/healthz</c> (200 when healthy or degraded, 503 when not,
/// a JSON body with each check), on 127.0.0.1 only. A small web host of its own beside the sample's host, so the
/// sample's other commands stay a plain generic host.
/// </summary>
public sealed class TelemetryServer(int port, IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where it listens.</summary>
    public Uri Address { get; } = new($"http://127.0.0.1:{port}/");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("KinesisAttrib").AddPrometheusExporter());
        _app = builder.Build();
        _app.MapPrometheusScrapingEndpoint("/metrics");
        _app.Map("/healthz", (RequestDelegate)WriteHealthAsync);
        await _app.StartAsync(cancellationToken);
    }

    private async Task WriteHealthAsync(HttpContext context)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description);
            foreach (var (key, value) in entry.Data)
            {
                if (value is IEnumerable<string> list)
                {
                    json.WriteStartArray(key);
                    foreach (var item in list)
                    {
                        json.WriteStringValue(item);
                    }

                    json.WriteEndArray();
                }
                else
                {
                    json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
