using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.LoadTest.Bench.Report;

/// <summary>Writes a <see cref="BenchReport"/> to <c>perf/results/&lt;suite&gt;.json</c> and reads it back.</summary>
/// <remarks>
/// camelCase properties, indented, enums as strings. Doubles are written in their shortest round-trip form, so a
/// report read back equals the one written. Dictionary keys (configuration names, percentile keys such as "99.9")
/// are kept as they are.
/// </remarks>
public static class ReportJson
{
    private static readonly JsonSerializerOptions _options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // a NaN ratio (a baseline that measured nothing) must not lose the whole report at the end of a long run
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // the file is read by people and diffed in git, never embedded in HTML: keep "µs", "≥" and "'" as they are
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/>, creating its directory if missing.</summary>
    /// <remarks>Writes a temporary file beside the target and moves it over, so an interrupted run never leaves half a report.</remarks>
    public static void Write(BenchReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temporary = full + ".tmp";
        using (var stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, report, _options);
            stream.WriteByte((byte)'\n');
        }
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The file holds <c>null</c> or misses a required member.</exception>
    public static BenchReport Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<BenchReport>(stream, _options)
                ?? throw new InvalidDataException($"{path}: the file holds null, not a bench report");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a bench report ({e.Message})", e);
        }
    }

    /// <summary>The report as JSON text, exactly as <see cref="Write"/> puts it in the file (without the final newline).</summary>
    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, _options);
}
