using System.Globalization;
using System.Text.RegularExpressions;

namespace Engine.Tests.Gateway.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4 for the tests: every sample must belong to a family
/// declared before it by <c># HELP</c> and <c># TYPE</c> (for a summary, <c>_sum</c> and <c>_count</c> belong to it).
/// </summary>
internal sealed partial class PrometheusText
{
    public Dictionary<string, string> Help { get; } = [];
    public Dictionary<string, string> Types { get; } = [];

    /// <summary>Samples keyed by name plus the label set as written, e.g. <c>engine_rejects_total{reason="X"}</c>.</summary>
    public Dictionary<string, double> Samples { get; } = [];

    public List<string> Errors { get; } = [];

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        if (!text.EndsWith('\n')) parsed.Errors.Add("the text does not end with a line feed");
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length < 4 || !parsed.Help.TryAdd(parts[2], parts[3])) parsed.Errors.Add("bad or repeated HELP: " + line);
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length != 4 || parts[3] is not ("counter" or "gauge" or "summary" or "histogram" or "untyped"))
                    parsed.Errors.Add("bad TYPE: " + line);
                else if (!parsed.Help.ContainsKey(parts[2])) parsed.Errors.Add("TYPE before HELP: " + line);
                else if (!parsed.Types.TryAdd(parts[2], parts[3])) parsed.Errors.Add("repeated TYPE: " + line);
                continue;
            }
            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                parsed.Errors.Add("not a sample: " + line);
                continue;
            }
            var name = match.Groups["name"].Value;
            if (!parsed.Types.ContainsKey(Family(name, parsed.Types))) parsed.Errors.Add("sample without HELP/TYPE: " + line);
            var value = match.Groups["value"].Value switch
            {
                "NaN" => double.NaN,
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            if (!parsed.Samples.TryAdd(name + match.Groups["labels"].Value, value)) parsed.Errors.Add("repeated sample: " + line);
        }
        return parsed;
    }

    private static string Family(string name, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                var family = name[..^suffix.Length];
                if (types.TryGetValue(family, out var type) && type == "summary") return family;
            }
        }
        return name;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();
}
