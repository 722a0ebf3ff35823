using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Commands;
using Engine.Gateway.Metrics;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Metrics;

public class PrometheusEndpointTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    private static HttpClient NewClient() => new() { Timeout = _timeout };

    private static EngineMetrics FedMetrics()
    {
        var metrics = new EngineMetrics(new FakeEngineGauges
        {
            InputCursor = 120, ProcessedSequence = 100, DurableSequence = 90, JournalBytes = 4096, InputRingSize = 2048,
        });
        var margin = ResponseEvents.Rejected(RejectCode.InsufficientMargin);
        for (var i = 0; i < 3; i++) metrics.OnResponse(margin, 0);
        metrics.GatewayError(RejectCode.NotAuthorized);
        metrics.SessionOpened();
        metrics.SessionOpened();
        metrics.BytesReceived(640);
        metrics.BytesSent(9600);
        metrics.SessionDisconnectedSlow();
        var accepted = ResponseEvents.Accepted();
        for (var us = 1; us <= 1000; us++) metrics.OnResponse(accepted, ResponseEvents.ReceivedAt + us * 1000L);
        return metrics;
    }

    [Test]
    public async Task ShouldServeTheMetricsInTextFormatWhenScraped()
    {
        using var metrics = FedMetrics();
        using var endpoint = PrometheusEndpoint.Start(metrics, "127.0.0.1", 0);
        using var http = NewClient();

        using var response = await http.GetAsync($"http://127.0.0.1:{endpoint.Port}/metrics");
        var text = await response.Content.ReadAsStringAsync();
        TestContext.Out.WriteLine(text);
        var scrape = PrometheusText.Parse(text);

        Assert.That(endpoint.Port, Is.GreaterThan(0));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; version=0.0.4; charset=utf-8"));
        Assert.That(scrape.Errors, Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(scrape.Samples["engine_commands_processed_total"], Is.EqualTo(101));
            Assert.That(scrape.Samples["engine_responses_total{result=\"accepted\"}"], Is.EqualTo(1000));
            Assert.That(scrape.Samples["engine_responses_total{result=\"rejected\"}"], Is.EqualTo(3));
            Assert.That(scrape.Samples["engine_rejects_total{reason=\"InsufficientMargin\"}"], Is.EqualTo(3));
            Assert.That(scrape.Samples["engine_rejects_total{reason=\"NotAuthorized\"}"], Is.EqualTo(1));
            Assert.That(scrape.Samples["engine_ring_occupancy"], Is.EqualTo(20));
            Assert.That(scrape.Samples["engine_ring_size"], Is.EqualTo(2048));
            Assert.That(scrape.Samples["engine_journal_lag"], Is.EqualTo(30));
            Assert.That(scrape.Samples["engine_journal_bytes_total"], Is.EqualTo(4096));
            Assert.That(scrape.Samples["engine_sessions"], Is.EqualTo(2));
            Assert.That(scrape.Samples["engine_sessions_opened_total"], Is.EqualTo(2));
            Assert.That(scrape.Samples["engine_slow_consumer_disconnects_total"], Is.EqualTo(1));
            Assert.That(scrape.Samples["engine_bytes_received_total"], Is.EqualTo(640));
            Assert.That(scrape.Samples["engine_bytes_sent_total"], Is.EqualTo(9600));
            Assert.That(scrape.Samples["engine_latency_seconds{quantile=\"0.5\"}"], Is.EqualTo(500e-6).Within(0.1).Percent);
            Assert.That(scrape.Samples["engine_latency_seconds{quantile=\"0.9\"}"], Is.EqualTo(900e-6).Within(0.1).Percent);
            Assert.That(scrape.Samples["engine_latency_seconds{quantile=\"0.99\"}"], Is.EqualTo(990e-6).Within(0.1).Percent);
            Assert.That(scrape.Samples["engine_latency_seconds{quantile=\"0.999\"}"], Is.EqualTo(999e-6).Within(0.1).Percent);
            Assert.That(scrape.Samples["engine_latency_seconds_count"], Is.EqualTo(1000));
            Assert.That(scrape.Samples["engine_latency_seconds_sum"], Is.EqualTo(0.5005).Within(0.1).Percent);
            Assert.That(scrape.Samples["engine_latency_max_seconds"], Is.EqualTo(1e-3).Within(0.1).Percent);
        });
        Assert.That(scrape.Types["engine_latency_seconds"], Is.EqualTo("summary"));
        Assert.That(scrape.Samples.Keys.Where(k => k.StartsWith("engine_latency_p", StringComparison.Ordinal)), Is.Empty,
            "the percentile gauges are exported as the summary");
        foreach (var (family, type) in scrape.Types)
        {
            Assert.That(family.EndsWith("_total", StringComparison.Ordinal), Is.EqualTo(type == "counter"), family);
        }
        Assert.That(text, Does.Contain("# TYPE engine_rejects_total counter\n"));
        Assert.That(text, Does.Contain("\nengine_rejects_total{reason=\"InsufficientMargin\"} 3\n"));
    }

    [Test]
    public async Task ShouldServeEmptyQuantilesAndNoJournalLagWhenNothingHappenedYet()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges { HasJournal = false });
        using var endpoint = PrometheusEndpoint.Start(metrics, "localhost", 0);
        using var http = NewClient();

        var scrape = PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{endpoint.Port}/metrics?x=1"));

        Assert.That(scrape.Errors, Is.Empty);
        Assert.That(scrape.Samples["engine_latency_seconds{quantile=\"0.5\"}"], Is.NaN);
        Assert.That(scrape.Samples["engine_latency_seconds_count"], Is.Zero);
        Assert.That(scrape.Samples, Does.Not.ContainKey("engine_latency_max_seconds"));
        Assert.That(scrape.Samples, Does.Not.ContainKey("engine_journal_lag"));
        Assert.That(scrape.Types["engine_journal_lag"], Is.EqualTo("gauge"), "the family is declared, without a sample");
        Assert.That(scrape.Samples.Keys.Where(k => k.StartsWith("engine_rejects_total", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task ShouldSeeNewValuesOnEachScrape()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var endpoint = PrometheusEndpoint.Start(metrics, "127.0.0.1", 0);
        using var http = NewClient();
        var url = $"http://127.0.0.1:{endpoint.Port}/metrics";

        var first = PrometheusText.Parse(await http.GetStringAsync(url));
        metrics.OnResponse(ResponseEvents.Rejected(RejectCode.PriceOffTick), 0);
        metrics.BytesSent(10);
        var second = PrometheusText.Parse(await http.GetStringAsync(url));

        Assert.That(first.Samples["engine_bytes_sent_total"], Is.Zero);
        Assert.That(second.Samples["engine_bytes_sent_total"], Is.EqualTo(10));
        Assert.That(second.Samples["engine_rejects_total{reason=\"PriceOffTick\"}"], Is.EqualTo(1));
    }

    [TestCase("/")]
    [TestCase("/metric")]
    [TestCase("/metrics/x")]
    [TestCase("/favicon.ico")]
    public async Task ShouldAnswerNotFoundWhenThePathIsNotMetrics(string path)
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var endpoint = PrometheusEndpoint.Start(metrics, "127.0.0.1", 0);
        using var http = NewClient();

        using var response = await http.GetAsync($"http://127.0.0.1:{endpoint.Port}{path}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task ShouldAnswerMethodNotAllowedWhenNotGet()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var endpoint = PrometheusEndpoint.Start(metrics, "127.0.0.1", 0);
        using var http = NewClient();

        using var response = await http.DeleteAsync($"http://127.0.0.1:{endpoint.Port}/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task ShouldAnswerBadRequestAndKeepServingWhenTheRequestIsGarbage()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var endpoint = PrometheusEndpoint.Start(metrics, "127.0.0.1", 0);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, endpoint.Port);
            var stream = client.GetStream();
            await stream.WriteAsync("HELLO\r\n\r\n"u8.ToArray());
            using var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.That(await reader.ReadLineAsync(), Is.EqualTo("HTTP/1.1 400 Bad Request"));
        }
        using var http = NewClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{endpoint.Port}/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ShouldStopListeningWhenDisposedEvenWithAnIdleClientConnected()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        var endpoint = PrometheusEndpoint.Start(metrics, "127.0.0.1", 0);
        var port = endpoint.Port;
        using var http = NewClient();
        using (var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics"))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, port); // holds the endpoint in a request that never comes

        var watch = Stopwatch.StartNew();
        endpoint.Dispose();
        watch.Stop();
        endpoint.Dispose(); // a second dispose does nothing

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "dispose does not wait for the idle client's timeout");
        using var late = new TcpClient();
        var refused = Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(IPAddress.Loopback, port));
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    [Test]
    public void ShouldThrowWhenThePortIsTaken()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var first = PrometheusEndpoint.Start(metrics, "127.0.0.1", 0);

        Assert.Throws<SocketException>(() => PrometheusEndpoint.Start(metrics, "127.0.0.1", first.Port).Dispose());
    }
}
