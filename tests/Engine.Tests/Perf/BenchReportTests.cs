using System.Globalization;
using System.Xml.Linq;
using Engine.LoadTest.Bench.Report;
using Engine.LoadTest.Support;
using HdrHistogram;

namespace Engine.Tests.Perf;

public class BenchReportTests
{
    private const int Seed = 20_261_124;
    private static readonly XNamespace _svg = "http://www.w3.org/2000/svg";

    private string _directory = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "bench-report-tests", Guid.NewGuid().ToString("N"));
        TestContext.Out.WriteLine($"seed {Seed}, directory {_directory}");
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void ShouldReadBackTheReportItWroteIntoAMissingDirectory()
    {
        var (report, histograms) = SampleReport();
        var path = Path.Combine(_directory, "results", "sample.json");

        ReportJson.Write(report, path);
        var read = ReportJson.Read(path);

        Assert.That(read.Suite, Is.EqualTo(report.Suite));
        Assert.That(read.Command, Is.EqualTo(report.Command));
        Assert.That(read.DateUtc, Is.EqualTo(report.DateUtc));
        Assert.That(read.DateUtc.Kind, Is.EqualTo(DateTimeKind.Utc));
        Assert.That(read.Machine, Is.EqualTo(report.Machine));
        Assert.That(read.Configuration, Is.EqualTo(report.Configuration));
        Assert.That(read.Figures, Is.EqualTo(report.Figures));
        Assert.That(read.Flags, Is.EqualTo(report.Flags));
        Assert.That(read.Series, Has.Count.EqualTo(report.Series.Count));
        for (var i = 0; i < report.Series.Count; i++)
        {
            var (expected, actual, histogram) = (report.Series[i], read.Series[i], histograms[i]);
            Assert.That(actual.Name, Is.EqualTo(expected.Name));
            Assert.That(actual.Mode, Is.EqualTo(expected.Mode));
            Assert.That(actual.TargetRate, Is.EqualTo(expected.TargetRate));
            Assert.That(actual.AchievedRate, Is.EqualTo(expected.AchievedRate), "doubles round-trip exactly");
            Assert.That(actual.Count, Is.EqualTo(histogram.TotalCount));
            Assert.That(actual.Saturated, Is.EqualTo(expected.Saturated));
            Assert.That((actual.Gen0, actual.Gen1, actual.Gen2), Is.EqualTo((expected.Gen0, expected.Gen1, expected.Gen2)));
            if (histogram.TotalCount == 0)
            {
                Assert.That(actual.PercentilesNs, Is.Empty, "an empty histogram has no percentiles");
                Assert.That(actual.Distribution, Is.Empty);
                continue;
            }
            foreach (var p in LatencySeries.StandardPercentiles)
            {
                Assert.That(actual.PercentilesNs[LatencySeries.Key(p)], Is.EqualTo(histogram.GetValueAtPercentile(p)), $"{actual.Name} p{p}");
            }
            Assert.That(actual.PercentilesNs["max"], Is.EqualTo(histogram.GetMaxValue()), $"{actual.Name} max");
            Assert.That(actual.Distribution, Is.EqualTo(expected.Distribution), actual.Name);
        }
    }

    [Test]
    public void ShouldWriteCamelCaseIndentedJsonWithReadableText()
    {
        var (report, _) = SampleReport();
        var path = Path.Combine(_directory, "sample.json");

        ReportJson.Write(report, path);
        var text = File.ReadAllText(path);

        Assert.That(text, Does.Contain("\"achievedRate\": "));
        Assert.That(text, Does.Contain("\"percentilesNs\": {"));
        Assert.That(text, Does.Contain("\"99.9\": "), "percentile keys are kept as they are");
        Assert.That(text, Does.Contain("\"waitStrategy\": \"BusySpin\""), "configuration keys are kept as they are");
        Assert.That(text, Does.Not.Contain("\"AchievedRate\""));
        Assert.That(text, Does.Contain("\u2264 3 \u00B5s"), "non-ASCII text is not escaped");
        Assert.That(text, Does.EndWith("}\n"));
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }

    [Test]
    public void ShouldWriteANaNFigureInsteadOfFailing()
    {
        var report = new BenchReport { Suite = "nan", Command = "test", Figures = { new Figure("ratio to nothing", double.NaN, "ratio") } };
        var path = Path.Combine(_directory, "nan.json");

        ReportJson.Write(report, path);

        Assert.That(double.IsNaN(ReportJson.Read(path).Figures[0].Value), Is.True);
    }

    [Test]
    public void ShouldRefuseAFileThatIsNotAReport()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "bad.json");
        File.WriteAllText(path, "{\"suite\": \"no command\"}");

        Assert.Throws<InvalidDataException>(() => ReportJson.Read(path));
    }

    [TestCase(0L, "0 ns")]
    [TestCase(850L, "850 ns")]
    [TestCase(999L, "999 ns")]
    [TestCase(1_000L, "1 \u00B5s")]
    [TestCase(1_230L, "1.23 \u00B5s")]
    [TestCase(1_235L, "1.24 \u00B5s")]
    [TestCase(45_600L, "45.6 \u00B5s")]
    [TestCase(45_615L, "45.6 \u00B5s")]
    [TestCase(123_456L, "123 \u00B5s")]
    [TestCase(999_499L, "999 \u00B5s")]
    [TestCase(999_500L, "1 ms")]
    [TestCase(1_200_000L, "1.2 ms")]
    [TestCase(2_000_000_000L, "2 s")]
    [TestCase(12_345_678_901L, "12.3 s")]
    public void ShouldFormatNanosecondsWithThreeSignificantDigitsAndAUnit(long ns, string expected)
    {
        Assert.That(ReportTable.FormatNs(ns), Is.EqualTo(expected));
    }

    [TestCase(0.0, "0")]
    [TestCase(12.5, "12.5")]
    [TestCase(950.0, "950")]
    [TestCase(1_000.0, "1K")]
    [TestCase(125_000.0, "125K")]
    [TestCase(999_900.0, "999.9K")]
    [TestCase(999_960.0, "1M")]
    [TestCase(1_000_000.0, "1M")]
    [TestCase(2_500_000.0, "2.5M")]
    [TestCase(2_934_567.0, "2.935M")]
    [TestCase(3e9, "3G")]
    [TestCase(double.NaN, "n/a")]
    [TestCase(double.PositiveInfinity, "n/a")]
    public void ShouldFormatRatesWithASuffixAndUpToFourSignificantDigits(double perSecond, string expected)
    {
        Assert.That(ReportTable.FormatRate(perSecond), Is.EqualTo(expected));
    }

    [Test]
    public void ShouldPrintEverySeriesWithItsPercentilesOnItsRow()
    {
        var (report, _) = SampleReport();
        var writer = new StringWriter();

        ReportTable.Print(report, writer);
        var text = writer.ToString();
        TestContext.Out.WriteLine(text);
        var lines = text.Split('\n');

        foreach (var series in report.Series) Assert.That(lines.Any(l => l.StartsWith(series.Name, StringComparison.Ordinal)), Is.True, series.Name);
        var known = Row(lines, "pipeline 1M/s");
        var header = lines.Single(l => l.StartsWith("series ", StringComparison.Ordinal));
        var p99End = header.IndexOf("  99%", StringComparison.Ordinal) + "  99%".Length;
        Assert.That(known[..p99End], Does.EndWith("  45.6 \u00B5s"), "p99 of 98.9% at 1 µs, 0.2% at 45.6 µs, 0.9% at 1.2 ms, under its header");
        Assert.That(known, Does.Contain("  1 \u00B5s  "), "p50");
        Assert.That(known, Does.Contain("  1.2 ms  "), "p99.9 and max");
        Assert.That(known, Does.Contain("999.9K/s"));
        Assert.That(known, Does.Contain("  1M  "));
        Assert.That(known, Does.Contain("10,000"));
        Assert.That(known, Does.EndWith("1/0/0  GC!"));
        Assert.That(Row(lines, "logic 125K/s"), Does.Not.Contain("GC!"));
        Assert.That(Row(lines, "tcp <raw> & \"closed\""), Does.Contain("closed"));
        Assert.That(Row(lines, "tcp <raw> & \"closed\""), Does.EndWith("saturated"));
        Assert.That(text, Does.Contain("suite          sample & <suite>"));
        Assert.That(text, Does.Contain("waitStrategy  BusySpin"));
        Assert.That(Row(lines, "pipeline max throughput"), Does.Contain("2,934,567 commands/s"));
        Assert.That(Row(lines, "pipeline max throughput"), Does.EndWith("\u2705 met"));
        Assert.That(Row(lines, "p99 at 1M/s"), Does.EndWith("\u274C not met"));
        Assert.That(lines, Has.Some.EqualTo("! p99 at 1M/s is 45.6 \u00B5s, goal \u2264 3 \u00B5s"));
        Assert.That(lines.All(l => l == l.TrimEnd()), Is.True, "no trailing spaces");
    }

    [Test]
    public void ShouldDrawOneMonotonicPolylinePerNonEmptySeries()
    {
        var (report, _) = SampleReport();
        var path = Path.Combine(_directory, "plots", "sample.svg");

        PercentilePlot.WriteSvg(report, path);
        var svg = XDocument.Parse(File.ReadAllText(path)).Root!;

        Assert.That(svg.Name, Is.EqualTo(_svg + "svg"));
        Assert.That(svg.Attribute("width")?.Value, Is.EqualTo("900"));
        Assert.That(svg.Attribute("height")?.Value, Is.EqualTo("560"));
        var nonEmpty = report.Series.Where(s => s.Distribution.Count > 0).ToList();
        Assert.That(nonEmpty, Has.Count.EqualTo(report.Series.Count - 1), "the sample has one empty series");
        var polylines = svg.Descendants(_svg + "polyline").ToList();
        Assert.That(polylines, Has.Count.EqualTo(nonEmpty.Count));
        for (var i = 0; i < polylines.Count; i++)
        {
            Assert.That(polylines[i].Element(_svg + "title")?.Value, Is.EqualTo(nonEmpty[i].Name));
            var points = polylines[i].Attribute("points")!.Value.Split(' ')
                .Select(p => p.Split(','))
                .Select(xy => (X: double.Parse(xy[0], CultureInfo.InvariantCulture), Y: double.Parse(xy[1], CultureInfo.InvariantCulture)))
                .ToList();
            Assert.That(points, Has.Count.EqualTo(nonEmpty[i].Distribution.Count));
            for (var j = 0; j < points.Count; j++)
            {
                Assert.That(points[j].X, Is.InRange(0, 900).And.Not.NaN, $"{nonEmpty[i].Name} point {j}");
                Assert.That(points[j].Y, Is.InRange(0, 560).And.Not.NaN, $"{nonEmpty[i].Name} point {j}");
                if (j == 0) continue;
                Assert.That(points[j].X, Is.GreaterThanOrEqualTo(points[j - 1].X), $"{nonEmpty[i].Name}: x at point {j}");
                // SVG y grows downwards: a latency that does not decrease is a y that does not increase
                Assert.That(points[j].Y, Is.LessThanOrEqualTo(points[j - 1].Y), $"{nonEmpty[i].Name}: y at point {j}");
            }
            Assert.That(points[^1].X, Is.EqualTo(points[^2].X), "the 100% point is drawn at the last finite percentile");
            Assert.That(points[^1].Y, Is.LessThan(points[0].Y), "the line rises from p0 to max");
        }
        var texts = svg.Descendants(_svg + "text").Select(t => t.Value).ToList();
        Assert.That(texts, Is.SupersetOf(new[] { "0%", "90%", "99%", "99.9%", "99.99%", "99.999%" }));
        Assert.That(texts, Is.SupersetOf(new[] { "1 \u00B5s", "100 \u00B5s" }), "decade ticks");
        Assert.That(texts, Is.SupersetOf(nonEmpty.Select(s => s.Name)), "legend");
        Assert.That(texts, Has.Some.StartsWith("sample & <suite>"), "title");
        Assert.That(texts, Has.Some.StartsWith("8 cores, Test CPU @ 3.0GHz"), "machine");
    }

    [Test]
    public void ShouldDrawAnEmptyPlotForAReportWithoutSeries()
    {
        var report = new BenchReport { Suite = "empty", Command = "test" };
        var path = Path.Combine(_directory, "empty.svg");

        PercentilePlot.WriteSvg(report, path);
        var svg = XDocument.Parse(File.ReadAllText(path)).Root!;

        Assert.That(svg.Descendants(_svg + "polyline"), Is.Empty);
        Assert.That(svg.Descendants(_svg + "text").Select(t => t.Value), Has.Member("no latency series"));
    }

    [TestCase(0.0, 0.0)]
    [TestCase(90.0, 1.0)]
    [TestCase(99.0, 2.0)]
    [TestCase(99.99, 4.0)]
    public void ShouldPlaceEachNineOneUnitFurther(double percentile, double x)
    {
        Assert.That(PercentilePlot.PercentileToX(percentile), Is.EqualTo(x).Within(1e-9));
    }

    private static string Row(string[] lines, string name) =>
        lines.Single(l => l.StartsWith(name + "  ", StringComparison.Ordinal));

    /// <summary>
    /// Three recorded series and an empty one: a seeded log-normal-ish logic run, a known three-value pipeline run
    /// (p50 to p95 1 µs, p99 45.6 µs, p99.9 to max 1.2 ms) with a gen0 collection, and a saturated closed-loop tcp run whose name needs escaping.
    /// </summary>
    private static (BenchReport Report, HistogramBase[] Histograms) SampleReport()
    {
        var random = new Random(Seed);
        var logic = NewHistogram();
        for (var i = 0; i < 100_000; i++) logic.RecordValue((long)(400 * Math.Exp(random.NextDouble() * random.NextDouble() * 6)));

        var pipeline = NewHistogram();
        pipeline.RecordValueWithCount(1_000, 9_890);
        pipeline.RecordValueWithCount(45_600, 20);
        pipeline.RecordValueWithCount(1_200_000, 90);

        var tcp = NewHistogram();
        for (var i = 0; i < 20_000; i++) tcp.RecordValue(20_000 + random.Next(2_000_000));

        var empty = NewHistogram();

        HistogramBase[] histograms = [logic, pipeline, tcp, empty];
        var report = new BenchReport
        {
            Suite = "sample & <suite>",
            DateUtc = new DateTime(2026, 11, 24, 15, 30, 0, DateTimeKind.Utc),
            Command = "dotnet run -c Release --project perf/Engine.LoadTest -- bench --suite sample",
            Machine = new MachineSection(8, "Test CPU @ 3.0GHz", ".NET 10.0.0", "Linux 6.8", "workstation, concurrent=false", "tsc"),
            Configuration = { ["waitStrategy"] = "BusySpin", ["durability"] = "none" },
            Series =
            {
                LatencySeries.From("logic 125K/s", "logic", logic, 125_000, 124_987.654321, false, new GcReport(0, 0, 0, 0)),
                LatencySeries.From("pipeline 1M/s", "pipeline", pipeline, 1_000_000, 999_900.0, false, new GcReport(1, 0, 0, 4_096)),
                LatencySeries.From("tcp <raw> & \"closed\"", "tcp", tcp, 0, 48_123.5, true, new GcReport(0, 0, 0, 0)),
                LatencySeries.From("empty", "tcp", empty, 2_000_000, 0, false, new GcReport(0, 0, 0, 0)),
            },
            Figures =
            {
                new Figure("pipeline max throughput", 2_934_567.25, "commands/s", "\u2265 2.5M/s", true),
                new Figure("p99 at 1M/s", 45_615, "ns", "\u2264 3 \u00B5s", false),
                new Figure("ring vs channel", 1.2345678, "ratio"),
            },
            Flags = { "p99 at 1M/s is 45.6 \u00B5s, goal \u2264 3 \u00B5s" },
        };
        return (report, histograms);
    }

    /// <summary>1 ns to 10 s, three significant digits, as the harness records.</summary>
    private static LongHistogram NewHistogram() => new(10_000_000_000L, 3);
}
