using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Engine.Benchmarks.Suite;

/// <summary>Writes a <see cref="MicroResult"/> as JSON, as a plain-text table and as an SVG bar chart.</summary>
public static class MicroReportWriter
{
    private static readonly JsonSerializerOptions _json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the JSON file (through a temporary file, so a reader never sees half of it).</summary>
    public static void WriteJson(MicroResult result, string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(result, _json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Prints the header and one row per benchmark.</summary>
    public static void PrintTable(MicroResult result, TextWriter writer)
    {
        writer.WriteLine($"suite      micro");
        writer.WriteLine($"date (UTC) {result.DateUtc:yyyy-MM-dd HH:mm:ss}");
        writer.WriteLine($"command    {result.Command}");
        writer.WriteLine($"machine    {result.Machine}");
        foreach (var (key, value) in result.Configuration) writer.WriteLine($"  {key,-16} {value}");
        writer.WriteLine();
        var rows = result.Benchmarks.Select(b => (Name: $"{b.Class}.{b.Method}{b.Parameters}", b)).ToList();
        var width = Math.Max(9, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
        writer.WriteLine($"{"benchmark".PadRight(width)}  {"mean/op",12}  {"± error",10}  {"median",12}  {"allocated",10}  {"ratio",6}");
        foreach (var (name, b) in rows)
        {
            var ratio = b.Ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) : "";
            var allocated = b.AllocatedBytes < 0 ? "?" : $"{b.AllocatedBytes} B";
            writer.WriteLine($"{name.PadRight(width)}  {Ns(b.MeanNs),12}  {Ns(b.ErrorNs),10}  {Ns(b.MedianNs),12}  {allocated,10}  {ratio,6}");
        }
        foreach (var flag in result.Flags) writer.WriteLine($"! {flag}");
    }

    /// <summary>A horizontal bar per benchmark (mean time per operation, log scale), grouped by class.</summary>
    public static void WriteSvg(MicroResult result, string path)
    {
        const int rowHeight = 22, left = 420, right = 120, top = 70, width = 1000;
        var rows = result.Benchmarks;
        var height = top + (rows.Count * rowHeight) + 50;
        var max = Math.Max(10, rows.Count == 0 ? 10 : rows.Max(b => b.MeanNs));
        var decades = Math.Max(1, (int)Math.Ceiling(Math.Log10(max)));
        var plot = width - left - right;
        double X(double ns) => left + (plot * Math.Log10(Math.Max(1, ns)) / decades);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">micro-benchmarks: mean time per operation — {result.DateUtc:yyyy-MM-dd HH:mm} UTC</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"44\" text-anchor=\"middle\" fill=\"#555\">{Escape(result.Machine.ToString())} — BenchmarkDotNet in process, log scale</text>\n");
        for (var d = 0; d <= decades; d++)
        {
            var x = X(Math.Pow(10, d));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" y1=\"{top - 6}\" x2=\"{x:F1}\" y2=\"{height - 40}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:F1}\" y=\"{height - 24}\" text-anchor=\"middle\" fill=\"#555\">{Escape(Ns(Math.Pow(10, d)))}</text>\n");
        }
        string[] palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
        var classes = rows.Select(b => b.Class).Distinct().ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            var b = rows[i];
            var y = top + (i * rowHeight);
            var colour = palette[classes.IndexOf(b.Class) % palette.Length];
            var label = $"{b.Class.Replace("Benchmarks", "", StringComparison.Ordinal)}.{b.Method}{b.Parameters}";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{Escape(label)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y + 3}\" width=\"{Math.Max(1, X(b.MeanNs) - left):F1}\" height=\"{rowHeight - 6}\" fill=\"{colour}\"><title>{Escape(label)}: {Escape(Ns(b.MeanNs))}</title></rect>\n");
            var note = Ns(b.MeanNs) + (b.AllocatedBytes > 0 ? $", {b.AllocatedBytes} B" : "") + (b.Ratio is { } r && !b.Baseline ? $", ×{r:F2}" : "");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(b.MeanNs) + 6:F1}\" y=\"{y + 15}\" fill=\"#333\">{Escape(note)}</text>\n");
        }
        svg.Append("</svg>\n");
        File.WriteAllText(path, svg.ToString());
    }

    /// <summary>"7.8 ns", "1.23 µs", "15.1 ms".</summary>
    public static string Ns(double ns) => ns switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{ns:0.##} ns"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:0.##} µs"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:0.##} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e9:0.##} s"),
    };

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
