using System.Globalization;
using System.Text;

namespace Engine.LoadTest.Bench.Report;

/// <summary>Prints a <see cref="BenchReport"/> as plain text: header, latency table, figures, flags.</summary>
/// <remarks>
/// The latency table has the shape of exchange-core's published one (a row per rate, the percentiles 50 to 99.99 and
/// the worst case), with the achieved rate, the count and the collections of the measured window added.
/// <code>
/// series         rate  achieved   count      50%      90% ...    max  GC 0/1/2
/// pipeline 1M/s    1M  999.9K/s  10,000,000  850 ns  1.23 µs ...  1.2 ms  0/0/0
/// </code>
/// </remarks>
public static class ReportTable
{
    private const string Micro = "\u00B5"; // MICRO SIGN, as in "µs"

    private static readonly string[] _latencyUnits = ["ns", Micro + "s", "ms", "s"];
    private static readonly string[] _rateUnits = ["", "K", "M", "G", "T"];

    /// <summary>Writes the whole report to <paramref name="writer"/>.</summary>
    public static void Print(BenchReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        PrintHeader(report, writer);
        writer.WriteLine();
        PrintLatencies(report, writer);
        if (report.Figures.Count > 0)
        {
            writer.WriteLine();
            PrintFigures(report, writer);
        }
        if (report.Flags.Count > 0)
        {
            writer.WriteLine();
            foreach (var flag in report.Flags) writer.WriteLine($"! {flag}");
        }
    }

    /// <summary>A latency in nanoseconds with its unit and three significant digits: "850 ns", "1.23 µs", "45.6 µs", "1.2 ms".</summary>
    public static string FormatNs(long ns)
    {
        if (ns < 1_000) return ns.ToString(CultureInfo.InvariantCulture) + " ns";
        return Scaled(ns, _latencyUnits, unitLimit: 3, significant: 3, separator: " ");
    }

    /// <summary>A rate with a K/M/G suffix and up to four significant digits: "125K", "999.9K", "1M", "2.5M"; "n/a" when not finite.</summary>
    /// <remarks>No "/s": the caller adds it where the column is not already a rate.</remarks>
    public static string FormatRate(double perSecond)
    {
        if (!double.IsFinite(perSecond) || Math.Abs(perSecond) >= 1e27) return "n/a";
        return Scaled((decimal)perSecond, _rateUnits, unitLimit: 1_000, significant: 4, separator: "");
    }

    /// <summary>
    /// <paramref name="value"/> divided by 1000 until below 1000 (at most <paramref name="unitLimit"/> times), rounded to
    /// <paramref name="significant"/> digits, trailing zeros dropped. Rounding that reaches 1000 moves to the next unit,
    /// so 999,999 ns is "1 ms", not "1000 µs".
    /// </summary>
    private static string Scaled(decimal value, string[] units, int unitLimit, int significant, string separator)
    {
        var negative = value < 0;
        var magnitude = Math.Abs(value);
        var unit = 0;
        var last = Math.Min(unitLimit, units.Length - 1);
        while (true)
        {
            var rounded = RoundSignificant(magnitude, significant);
            if (rounded < 1_000m || unit == last)
            {
                var text = rounded.ToString("0.############", CultureInfo.InvariantCulture);
                return (negative && rounded != 0 ? "-" : "") + text + separator + units[unit];
            }
            magnitude /= 1_000m;
            unit++;
        }
    }

    private static decimal RoundSignificant(decimal value, int significant)
    {
        if (value == 0) return 0;
        var integerDigits = 1;
        for (var v = value; v >= 10m; v /= 10m) integerDigits++;
        var decimals = Math.Max(0, significant - integerDigits);
        return Math.Round(value, decimals, MidpointRounding.AwayFromZero);
    }

    private static void PrintHeader(BenchReport report, TextWriter writer)
    {
        var machine = report.Machine;
        writer.WriteLine($"suite          {report.Suite}");
        writer.WriteLine($"date (UTC)     {report.DateUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
        writer.WriteLine($"command        {report.Command}");
        writer.WriteLine($"machine        {machine.Cores} cores, {machine.CpuModel}");
        writer.WriteLine($"runtime        {machine.Runtime}");
        writer.WriteLine($"OS             {machine.Os}");
        writer.WriteLine($"GC             {machine.Gc}");
        writer.WriteLine($"clocksource    {machine.Clocksource}");
        if (report.Configuration.Count == 0) return;
        writer.WriteLine("configuration");
        var width = 0;
        foreach (var key in report.Configuration.Keys) width = Math.Max(width, key.Length);
        foreach (var (key, value) in report.Configuration) writer.WriteLine($"  {key.PadRight(width)}  {value}");
    }

    private static void PrintLatencies(BenchReport report, TextWriter writer)
    {
        if (report.Series.Count == 0)
        {
            writer.WriteLine("(no latency series)");
            return;
        }
        var percentiles = LatencySeries.StandardPercentiles;
        var header = new List<string> { "series", "rate", "achieved", "count" };
        foreach (var p in percentiles) header.Add(LatencySeries.Key(p) + "%");
        header.Add("max");
        header.Add("GC 0/1/2");
        header.Add("");

        var rows = new List<string[]> { header.ToArray() };
        var saturated = false;
        var collected = false;
        foreach (var series in report.Series)
        {
            var row = new List<string>
            {
                series.Name,
                series.TargetRate == 0 ? "closed" : FormatRate(series.TargetRate),
                FormatRate(series.AchievedRate) + "/s",
                series.Count.ToString("N0", CultureInfo.InvariantCulture),
            };
            foreach (var p in percentiles) row.Add(Latency(series, LatencySeries.Key(p)));
            row.Add(Latency(series, "max"));
            row.Add($"{series.Gen0}/{series.Gen1}/{series.Gen2}");
            var marks = new List<string>();
            if (series.Saturated)
            {
                marks.Add("saturated");
                saturated = true;
            }
            if (series.Gen0 + series.Gen1 + series.Gen2 > 0)
            {
                marks.Add("GC!");
                collected = true;
            }
            row.Add(string.Join(' ', marks));
            rows.Add(row.ToArray());
        }
        WriteColumns(rows, "L" + new string('R', header.Count - 2) + "L", writer);
        if (saturated) writer.WriteLine("saturated: the engine did not keep up with the offered rate");
        if (collected) writer.WriteLine("GC!: a collection in the measured window (the run is failed)");
    }

    private static string Latency(LatencySeries series, string key) =>
        series.PercentilesNs.TryGetValue(key, out var ns) ? FormatNs(ns) : "-";

    private static void PrintFigures(BenchReport report, TextWriter writer)
    {
        var rows = new List<string[]> { new[] { "figure", "value", "goal", "" } };
        foreach (var figure in report.Figures)
        {
            var met = figure.Met switch
            {
                true => "\u2705 met",
                false => "\u274C not met",
                null => "",
            };
            rows.Add([figure.Name, FormatValue(figure.Value, figure.Unit), figure.Goal ?? "", met]);
        }
        WriteColumns(rows, "LRLL", writer);
    }

    /// <summary>"2,934,567 commands/s", "1.234 ratio", "0 B/op": thousands separators, decimals only where they carry information.</summary>
    private static string FormatValue(double value, string unit)
    {
        string number;
        if (!double.IsFinite(value)) number = value.ToString(CultureInfo.InvariantCulture);
        else if (Math.Abs(value) >= 100) number = value.ToString("#,##0", CultureInfo.InvariantCulture);
        else number = value.ToString("#,##0.###", CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(unit) ? number : $"{number} {unit}";
    }

    /// <summary>
    /// Pads every cell to its column's width, left or right as <paramref name="align"/> says per column ('L' or 'R');
    /// the last column is never padded, so no line ends in spaces.
    /// </summary>
    private static void WriteColumns(List<string[]> rows, string align, TextWriter writer)
    {
        var columns = rows[0].Length;
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (var c = 0; c < columns; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear();
            for (var c = 0; c < columns; c++)
            {
                if (c > 0) line.Append("  ");
                if (c == columns - 1) line.Append(row[c]);
                else if (align[c] == 'R') line.Append(row[c].PadLeft(widths[c]));
                else line.Append(row[c].PadRight(widths[c]));
            }
            writer.WriteLine(line.ToString().TrimEnd());
        }
    }
}
