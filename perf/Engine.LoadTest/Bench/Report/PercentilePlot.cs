using System.Globalization;
using System.Text;
using System.Xml;

namespace Engine.LoadTest.Bench.Report;

/// <summary>Draws the latency-by-percentile plot of a <see cref="BenchReport"/> as a standalone SVG file.</summary>
/// <remarks>
/// The HdrHistogram plot: the x axis is the percentile on the 1/(1-p) log scale, so 90%, 99%, 99.9%... are equally
/// spaced and the tail gets as much room as the body; the y axis is the latency on a log scale. One line per series,
/// all modes in one plot; colour by series, dash pattern by mode.
/// <code>
///   title: suite, date, machine          ┌ legend
///   latency                              │ ── logic 1M/s
///   1 ms ┤                         ╭──   │ -- pipeline 1M/s
///  10 µs ┤          ╭──────────────╯     │
///   1 µs ┼──────────┴───┬─────┬─────┬    │
///        0%  90%  99% 99.9% 99.99% 99.999%
/// </code>
/// </remarks>
public static class PercentilePlot
{
    /// <summary>Width of the image, in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the image, in pixels.</summary>
    public const int Height = 560;

    private const double PlotLeft = 72;
    private const double PlotTop = 64;
    private const double PlotRight = 690;
    private const double PlotBottom = 500;
    private const double LegendLeft = 706;
    private const int LegendMaxChars = 28;

    /// <summary>The x axis always reaches 99.999% (five nines), as HdrHistogram's plots do.</summary>
    private const int MinNines = 5;

    // d3's category10: distinct on white, and none too pale to read as a thin line
    private static readonly string[] _colours =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private static readonly string[] _dashes = ["", "7 4", "2 3", "9 3 2 3"];

    /// <summary>Writes the plot to <paramref name="path"/> (SVG, <see cref="Width"/> x <see cref="Height"/>), creating its directory if missing.</summary>
    /// <remarks>Series with an empty <see cref="LatencySeries.Distribution"/> are left out.</remarks>
    public static void WriteSvg(BenchReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false) };
        using var xml = XmlWriter.Create(full, settings);
        Write(report, xml);
    }

    /// <summary>The percentile's position on the x axis: log10(1/(1-p)), so 90% is 1, 99% is 2, 99.9% is 3.</summary>
    /// <returns>Positive infinity at 100%.</returns>
    public static double PercentileToX(double percentile) =>
        percentile >= 100 ? double.PositiveInfinity : Math.Log10(100 / (100 - percentile));

    private static void Write(BenchReport report, XmlWriter xml)
    {
        var lines = new List<(LatencySeries Series, List<(double X, long Ns)> Points)>();
        foreach (var series in report.Series)
        {
            if (series.Distribution.Count > 0) lines.Add((series, Points(series)));
        }

        var maxX = (double)MinNines;
        long minNs = long.MaxValue, maxNs = 0;
        foreach (var (_, points) in lines)
        {
            foreach (var (x, ns) in points)
            {
                maxX = Math.Max(maxX, Math.Ceiling(x - 1e-9));
                minNs = Math.Min(minNs, ns);
                maxNs = Math.Max(maxNs, ns);
            }
        }
        // decades: 10^lowDecade .. 10^highDecade; an empty plot shows 100 ns .. 1 ms
        var lowDecade = lines.Count == 0 ? 2 : (int)Math.Floor(Math.Log10(minNs));
        var highDecade = lines.Count == 0 ? 6 : (int)Math.Ceiling(Math.Log10(maxNs));
        if (highDecade <= lowDecade) highDecade = lowDecade + 1;
        var axis = new Axis(maxX, lowDecade, highDecade);

        var machine = report.Machine;
        var title = $"{report.Suite} \u2014 latency by percentile \u2014 {report.DateUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
        var subtitle = $"{machine.Cores} cores, {machine.CpuModel} \u2014 {machine.Runtime}";

        xml.WriteStartElement("svg", "http://www.w3.org/2000/svg");
        Attr(xml, "width", Width);
        Attr(xml, "height", Height);
        xml.WriteAttributeString("viewBox", $"0 0 {Width} {Height}");
        xml.WriteAttributeString("font-family", "Helvetica, Arial, sans-serif");
        xml.WriteAttributeString("font-size", "12");
        xml.WriteElementString("title", Clean(title));
        Rect(xml, 0, 0, Width, Height, "#ffffff", stroke: null);

        Text(xml, Width / 2.0, 24, title, anchor: "middle", size: 16, weight: "bold");
        Text(xml, Width / 2.0, 44, subtitle, anchor: "middle", size: 12, fill: "#444444");

        DrawGrid(xml, axis);
        Text(xml, (PlotLeft + PlotRight) / 2, Height - 22, "percentile", anchor: "middle", size: 13);
        xml.WriteStartElement("text");
        Attr(xml, "x", 0);
        Attr(xml, "y", 0);
        xml.WriteAttributeString("transform", $"translate(18 {F((PlotTop + PlotBottom) / 2)}) rotate(-90)");
        xml.WriteAttributeString("text-anchor", "middle");
        xml.WriteAttributeString("font-size", "13");
        xml.WriteString("latency");
        xml.WriteEndElement();

        if (lines.Count == 0)
        {
            Text(xml, (PlotLeft + PlotRight) / 2, (PlotTop + PlotBottom) / 2, "no latency series", anchor: "middle", size: 14, fill: "#888888");
        }

        var modes = new List<string>();
        foreach (var (series, _) in lines)
        {
            if (!modes.Contains(series.Mode)) modes.Add(series.Mode);
        }

        xml.WriteStartElement("g");
        xml.WriteAttributeString("fill", "none");
        xml.WriteAttributeString("stroke-width", "1.8");
        xml.WriteAttributeString("stroke-linejoin", "round");
        for (var i = 0; i < lines.Count; i++)
        {
            var (series, points) = lines[i];
            var text = new StringBuilder();
            foreach (var (x, ns) in points)
            {
                if (text.Length > 0) text.Append(' ');
                text.Append(F(axis.PixelX(x))).Append(',').Append(F(axis.PixelY(ns)));
            }
            xml.WriteStartElement("polyline");
            Style(xml, i, modes.IndexOf(series.Mode));
            xml.WriteAttributeString("points", text.ToString());
            xml.WriteElementString("title", Clean(series.Name)); // the browser's tooltip on the line
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        DrawLegend(xml, lines, modes);
        xml.WriteEndElement();
    }

    /// <summary>The series' points in axis units; the point at 100% (infinite x) takes the x of the point before it.</summary>
    private static List<(double X, long Ns)> Points(LatencySeries series)
    {
        var points = new List<(double, long)>(series.Distribution.Count);
        var lastFinite = 0.0;
        foreach (var point in series.Distribution)
        {
            var x = PercentileToX(point.Percentile);
            if (double.IsFinite(x)) lastFinite = Math.Max(lastFinite, x);
            // a log axis has no 0: a 0 ns reading (a clock tick too coarse) is drawn at 1 ns
            points.Add((lastFinite, Math.Max(1, point.LatencyNs)));
        }
        return points;
    }

    private static void DrawGrid(XmlWriter xml, Axis axis)
    {
        xml.WriteStartElement("g");
        xml.WriteAttributeString("stroke-width", "1");
        for (var decade = axis.LowDecade; decade < axis.HighDecade; decade++)
        {
            for (var m = 2; m <= 9; m++)
            {
                var y = axis.PixelY(m * Math.Pow(10, decade));
                Line(xml, PlotLeft, y, PlotRight, y, "#f0f0f0");
            }
        }
        for (var decade = axis.LowDecade; decade <= axis.HighDecade; decade++)
        {
            var y = axis.PixelY(Math.Pow(10, decade));
            Line(xml, PlotLeft, y, PlotRight, y, "#d0d0d0");
            Text(xml, PlotLeft - 6, y + 4, DecadeLabel(decade), anchor: "end");
        }
        for (var nines = 0; nines <= axis.MaxX; nines++)
        {
            var x = axis.PixelX(nines);
            Line(xml, x, PlotTop, x, PlotBottom, "#d0d0d0");
            Text(xml, x, PlotBottom + 18, NinesLabel(nines), anchor: "middle");
        }
        Rect(xml, PlotLeft, PlotTop, PlotRight - PlotLeft, PlotBottom - PlotTop, fill: "none", stroke: "#666666");
        xml.WriteEndElement();
    }

    private static void DrawLegend(XmlWriter xml, List<(LatencySeries Series, List<(double X, long Ns)> Points)> lines, List<string> modes)
    {
        if (lines.Count == 0) return;
        var step = Math.Min(18.0, (PlotBottom - PlotTop) / lines.Count);
        xml.WriteStartElement("g");
        xml.WriteAttributeString("font-size", "11");
        for (var i = 0; i < lines.Count; i++)
        {
            var y = PlotTop + 8 + i * step;
            xml.WriteStartElement("line");
            Attr(xml, "x1", LegendLeft);
            Attr(xml, "y1", y);
            Attr(xml, "x2", LegendLeft + 26);
            Attr(xml, "y2", y);
            xml.WriteAttributeString("stroke-width", "2.2");
            Style(xml, i, modes.IndexOf(lines[i].Series.Mode));
            xml.WriteEndElement();
            var name = lines[i].Series.Name;
            var shown = name.Length > LegendMaxChars ? name[..(LegendMaxChars - 1)] + "\u2026" : name;
            Text(xml, LegendLeft + 32, y + 4, shown, anchor: "start");
        }
        xml.WriteEndElement();
    }

    private static void Style(XmlWriter xml, int index, int mode)
    {
        xml.WriteAttributeString("stroke", _colours[index % _colours.Length]);
        // past ten series the colours repeat: shift the dash so that no two lines look the same
        var dash = _dashes[(mode + index / _colours.Length) % _dashes.Length];
        if (dash.Length > 0) xml.WriteAttributeString("stroke-dasharray", dash);
    }

    /// <summary>"0%", "90%", "99%", "99.9%", ... for 0, 1, 2, 3 nines.</summary>
    private static string NinesLabel(int nines) => nines switch
    {
        0 => "0%",
        1 => "90%",
        2 => "99%",
        _ => "99." + new string('9', nines - 2) + "%",
    };

    private static string DecadeLabel(int decade) =>
        decade is >= 0 and <= 18 ? ReportTable.FormatNs((long)Math.Pow(10, decade)) : $"1e{decade} ns";

    private static void Line(XmlWriter xml, double x1, double y1, double x2, double y2, string stroke)
    {
        xml.WriteStartElement("line");
        Attr(xml, "x1", x1);
        Attr(xml, "y1", y1);
        Attr(xml, "x2", x2);
        Attr(xml, "y2", y2);
        xml.WriteAttributeString("stroke", stroke);
        xml.WriteEndElement();
    }

    private static void Rect(XmlWriter xml, double x, double y, double width, double height, string fill, string? stroke)
    {
        xml.WriteStartElement("rect");
        Attr(xml, "x", x);
        Attr(xml, "y", y);
        Attr(xml, "width", width);
        Attr(xml, "height", height);
        xml.WriteAttributeString("fill", fill);
        if (stroke != null) xml.WriteAttributeString("stroke", stroke);
        xml.WriteEndElement();
    }

    private static void Text(XmlWriter xml, double x, double y, string text, string anchor, int size = 12, string? weight = null,
        string? fill = null)
    {
        xml.WriteStartElement("text");
        Attr(xml, "x", x);
        Attr(xml, "y", y);
        xml.WriteAttributeString("text-anchor", anchor);
        if (size != 12) Attr(xml, "font-size", size);
        if (weight != null) xml.WriteAttributeString("font-weight", weight);
        if (fill != null) xml.WriteAttributeString("fill", fill);
        xml.WriteString(Clean(text));
        xml.WriteEndElement();
    }

    private static void Attr(XmlWriter xml, string name, double value) => xml.WriteAttributeString(name, F(value));

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>
    /// Drops the characters XML cannot hold at all (control characters, lone surrogates); the writer escapes the rest
    /// ('&amp;', '&lt;', quotes), so a series called "a &lt; b" still gives a well-formed file.
    /// </summary>
    private static string Clean(string text)
    {
        StringBuilder? clean = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c);
            if (pair || XmlConvert.IsXmlChar(c))
            {
                clean?.Append(c);
                if (pair)
                {
                    clean?.Append(text[i + 1]);
                    i++;
                }
                continue;
            }
            clean ??= new StringBuilder(text, 0, i, text.Length);
        }
        return clean?.ToString() ?? text;
    }

    /// <summary>Maps axis units (x: nines, y: nanoseconds) to pixels.</summary>
    private readonly record struct Axis(double MaxX, int LowDecade, int HighDecade)
    {
        public double PixelX(double x) => PlotLeft + x / MaxX * (PlotRight - PlotLeft);

        public double PixelY(double ns) =>
            PlotBottom - (Math.Log10(ns) - LowDecade) / (HighDecade - LowDecade) * (PlotBottom - PlotTop);
    }
}
