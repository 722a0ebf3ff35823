using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Protocol;

/// <summary>
/// docs/protocol.md is the contract other-language clients are written from: this fixture parses it and compares
/// every type code, body size, field offset, enum value and worked-example byte with the catalog in
/// gateway/Protocol, so that a doc that drifts from the code fails here (style C3, ZeroLog's DocumentationTests).
/// </summary>
public class ProtocolDocumentationTests
{
    private const string DocPath = "docs/protocol.md";
    private static readonly Regex _messageHeading = new(@"^### (\w+) \(type (\d+), (\d+) bytes\)$", RegexOptions.CultureInvariant);
    private static readonly Assembly _catalog = typeof(MessageType).Assembly;
    private static string[]? _lines;

    private static string[] Lines => _lines ??= File.ReadAllLines(Path.Combine(RepositoryRoot(), DocPath));

    /// <summary>The folder that holds Engine.sln, found by walking up from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Engine.sln above {AppContext.BaseDirectory}");
    }

    // ---- messages ----

    [Test]
    public void ShouldHaveOneHeadingWithTheCodeAndBodySizeOfEveryMessageType()
    {
        var headings = new Dictionary<string, (int Code, int Size)>();
        foreach (var line in Lines)
        {
            var m = _messageHeading.Match(line);
            if (!m.Success) continue;
            var name = m.Groups[1].Value;
            Assert.That(Enum.TryParse<MessageType>(name, out _), Is.True, $"heading '{line}' names no MessageType member");
            Assert.That(headings.TryAdd(name, (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))),
                Is.True, $"two headings for {name}");
        }
        foreach (var type in Enum.GetValues<MessageType>())
        {
            Assert.That(headings.TryGetValue(type.ToString(), out var doc), Is.True, $"no '### {type} (type {(byte)type}, {BodySize(type)} bytes)' heading");
            Assert.That(doc.Code, Is.EqualTo((byte)type), $"{type}: type code");
            Assert.That(doc.Size, Is.EqualTo(BodySize(type)), $"{type}: body size");
        }
    }

    [Test]
    public void ShouldListEveryMessageTypeInTheSummaryTable()
    {
        var rows = TableWithHeader("code", "name", "direction", "body bytes", "role");
        var listed = new HashSet<MessageType>();
        foreach (var row in rows)
        {
            Assert.That(Enum.TryParse<MessageType>(row[1], out var type), Is.True, $"summary row '{row[1]}' is no MessageType member");
            Assert.That(listed.Add(type), Is.True, $"{type} listed twice");
            Assert.That(Int(row[0]), Is.EqualTo((byte)type), $"{type}: code");
            Assert.That(Int(row[3]), Is.EqualTo(BodySize(type)), $"{type}: body bytes");
            var direction = (byte)type >= 100 ? "server → client" : type is MessageType.Heartbeat or MessageType.Logout ? "both" : "client → server";
            Assert.That(row[2], Is.EqualTo(direction), $"{type}: direction");
            Assert.That(row[4], Is.Not.Empty, $"{type}: role");
        }
        Assert.That(listed, Is.EquivalentTo(Enum.GetValues<MessageType>()), "every MessageType member has a summary row");
    }

    public static IEnumerable<TestCaseData> RequestTypes() =>
        RequestMessageTypes().Select(t => new TestCaseData(t).SetArgDisplayNames(t.Name));

    [TestCaseSource(nameof(RequestTypes))]
    public void ShouldDocumentEveryRequestFieldAtTheOffsetOfTheStruct(Type request)
    {
        var type = (MessageType)request.GetProperty("Type", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        Assert.That(request.Name, Is.EqualTo(type + "Message"), "a request struct is named after its type");
        AssertLayoutMatchesConstants(type, request);
    }

    [TestCase(typeof(LoginMessage))]
    [TestCase(typeof(HeartbeatMessage))]
    [TestCase(typeof(LoginAcceptedMessage))]
    [TestCase(typeof(ErrorMessage))]
    public void ShouldDocumentEverySessionMessageFieldAtTheOffsetOfTheStruct(Type message)
    {
        var type = Enum.Parse<MessageType>(message.Name[..^"Message".Length]);
        AssertLayoutMatchesConstants(type, message);
    }

    [Test]
    public void ShouldDocumentLogoutWithAnEmptyBody()
    {
        Assert.That(BodySize(MessageType.Logout), Is.EqualTo(0));
        Assert.That(LayoutRows(MessageType.Logout), Is.Empty, "an empty body has no layout table");
    }

    [Test]
    public void ShouldDocumentTheEventBodyAsTheOutputEventLayout()
    {
        var rows = LayoutRows(MessageType.Event);
        AssertContiguous(MessageType.Event, rows, OutputEvent.Size);
        var documented = new HashSet<string>();
        foreach (var (offset, size, field) in rows)
        {
            if (field == Reserved) continue;
            var member = typeof(OutputEvent).GetField(field);
            Assert.That(member, Is.Not.Null, $"Event: '{field}' is no OutputEvent field");
            Assert.That((int)Marshal.OffsetOf<OutputEvent>(field), Is.EqualTo(offset), $"Event.{field}: offset");
            Assert.That(SizeOf(member!.FieldType), Is.EqualTo(size), $"Event.{field}: size");
            documented.Add(field);
        }
        // every field that owns its bytes (the first declared at its offset) is in the layout table; aliases are tabled apart
        foreach (var field in OwningFields())
            Assert.That(documented, Does.Contain(field.Name), $"OutputEvent.{field.Name} is missing from the Event table");
    }

    [Test]
    public void ShouldUseOutputEventOffsetsInEveryEventFieldTable()
    {
        var checkedRows = 0;
        foreach (var (header, rows) in TablesInSection("## Events"))
        {
            var fieldColumn = Array.IndexOf(header, "field");
            var offsetColumn = Array.IndexOf(header, "offset");
            if (fieldColumn < 0 || offsetColumn < 0) continue;
            foreach (var row in rows)
            {
                if (row[fieldColumn] == Reserved) continue;
                Assert.That(typeof(OutputEvent).GetField(row[fieldColumn]), Is.Not.Null, $"'{row[fieldColumn]}' is no OutputEvent field");
                Assert.That(Int(row[offsetColumn]), Is.EqualTo((int)Marshal.OffsetOf<OutputEvent>(row[fieldColumn])), $"offset of {row[fieldColumn]} in '{string.Join(" | ", row)}'");
                checkedRows++;
            }
        }
        foreach (var row in TableWithHeader("alias", "offset", "same bytes as"))
        {
            Assert.That(Int(row[1]), Is.EqualTo((int)Marshal.OffsetOf<OutputEvent>(row[0])), $"alias {row[0]}");
            Assert.That(Int(row[1]), Is.EqualTo((int)Marshal.OffsetOf<OutputEvent>(row[2])), $"alias {row[0]} shares the bytes of {row[2]}");
            checkedRows++;
        }
        Assert.That(checkedRows, Is.GreaterThan(100), "the event field tables were found");
    }

    // ---- enums ----

    [TestCase(typeof(Side))]
    [TestCase(typeof(OrderType))]
    [TestCase(typeof(TimeInForce))]
    [TestCase(typeof(OrderFlags))]
    [TestCase(typeof(SelfTradeMode))]
    [TestCase(typeof(MarginMode))]
    [TestCase(typeof(SessionRoles))]
    [TestCase(typeof(CommandType))]
    [TestCase(typeof(EventType))]
    [TestCase(typeof(EventFlags))]
    [TestCase(typeof(CancelReason))]
    [TestCase(typeof(LiquidationStep))]
    [TestCase(typeof(RejectCode))]
    public void ShouldListEveryEnumValueAsTheCodeDefinesIt(Type enumType)
    {
        var heading = FindLine("### " + enumType.Name);
        var (header, rows) = TableAfter(heading);
        Assert.That(header, Is.EqualTo(new[] { "value", "name", "meaning" }), $"{enumType.Name}: table columns");
        var listed = new HashSet<string>();
        foreach (var row in rows)
        {
            Assert.That(Enum.TryParse(enumType, row[1], ignoreCase: false, out var value), Is.True, $"{enumType.Name}: '{row[1]}' is no member");
            Assert.That(Enum.GetName(enumType, value!), Is.EqualTo(row[1]), $"{enumType.Name}: '{row[1]}' is a member name");
            Assert.That(Convert.ToInt64(value, CultureInfo.InvariantCulture), Is.EqualTo(long.Parse(row[0], CultureInfo.InvariantCulture)), $"{enumType.Name}.{row[1]}: value");
            Assert.That(listed.Add(row[1]), Is.True, $"{enumType.Name}.{row[1]} listed twice");
            Assert.That(row[2], Is.Not.Empty, $"{enumType.Name}.{row[1]}: meaning");
        }
        Assert.That(listed, Is.EquivalentTo(Enum.GetNames(enumType)), $"every {enumType.Name} member is listed");
    }

    // ---- worked example ----

    [Test]
    public void ShouldShowTheBytesFrameWriterProducesInTheWorkedExample()
    {
        var buffer = new byte[FrameHeader.MaxFrameLength];
        Assert.That(FrameWriter.TryWriteLogin(buffer, new LoginMessage("alice-key", 1000), 1, out var n), Is.True);
        Assert.That(ExampleBytes("Login frame"), Is.EqualTo(buffer[..n]), "Login frame");

        var order = new PlaceOrderMessage
        {
            AccountId = 1, InstrumentId = 1, ClientOrderId = 42, Price = 100_000 * FixedPoint.PriceScale, Quantity = FixedPoint.QuantityScale / 100,
            Side = Side.Buy, OrderType = OrderType.Limit, TimeInForce = TimeInForce.GoodTillCancel, Flags = OrderFlags.PostOnly,
            SelfTrade = SelfTradeMode.CancelResting,
        };
        Assert.That(FrameWriter.TryWriteRequest(buffer, in order, 2, out n), Is.True);
        Assert.That(ExampleBytes("PlaceOrder frame"), Is.EqualTo(buffer[..n]), "PlaceOrder frame");

        var accepted = new OutputEvent
        {
            Type = EventType.Accepted, Side = Side.Buy, CommandType = CommandType.PlaceOrder, SessionId = 7, AccountId = 1, InputSequence = 12,
            InstrumentId = 1, ClientOrderId = 42, Price = order.Price, Quantity = order.Quantity, OrderId = 1, LeavesQuantity = order.Quantity,
            Time = 1_767_225_600_000_000_000,
        };
        Assert.That(FrameWriter.TryWriteEvent(buffer, in accepted, 2, out n), Is.True);
        Assert.That(ExampleBytes("Accepted event frame"), Is.EqualTo(buffer[..n]), "Accepted event frame");

        Assert.That(FrameWriter.TryWriteError(buffer, new ErrorMessage(RejectCode.NotAuthorized, MessageType.PlaceOrder, false, 3, 43), 3, out n), Is.True);
        Assert.That(ExampleBytes("Error frame"), Is.EqualTo(buffer[..n]), "Error frame");
    }

    // ---- catalog side ----

    private const string Reserved = "(reserved)";

    /// <summary>The value types that implement <see cref="IRequestMessage{TSelf}"/>.</summary>
    internal static IEnumerable<Type> RequestMessageTypes() =>
        _catalog.GetTypes()
            .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequestMessage<>)))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>The body size the catalog gives a message type: its struct's <c>Size</c>; 0 for <c>Logout</c>, which has no struct.</summary>
    private static int BodySize(MessageType type)
    {
        var message = _catalog.GetType($"Engine.Gateway.Protocol.{type}Message");
        if (message == null)
        {
            Assert.That(type, Is.EqualTo(MessageType.Logout), $"{type} has no {type}Message in the catalog");
            return 0;
        }
        return (int)message.GetField("Size", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    /// <summary>Checks the doc's layout table of <paramref name="type"/> against the <c>XxxOffset</c> constants of <paramref name="message"/>.</summary>
    private static void AssertLayoutMatchesConstants(MessageType type, Type message)
    {
        var rows = LayoutRows(type);
        var size = BodySize(type);
        AssertContiguous(type, rows, size);
        var offsets = message.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Offset", StringComparison.Ordinal))
            .ToDictionary(f => f.Name[..^"Offset".Length], f => (int)f.GetRawConstantValue()!);
        Assert.That(offsets, Is.Not.Empty, $"{message.Name} declares its offsets");
        var documented = rows.Where(r => r.Field != Reserved).ToDictionary(r => r.Field);
        foreach (var (field, offset) in offsets)
        {
            Assert.That(documented.TryGetValue(field, out var row), Is.True, $"{type}: {message.Name}.{field}Offset is not in the doc table");
            Assert.That(row.Offset, Is.EqualTo(offset), $"{type}.{field}: offset");
            var property = message.GetProperty(field);
            var propertySize = property == null ? null : SizeOf(property.PropertyType);
            if (propertySize != null) Assert.That(row.Size, Is.EqualTo(propertySize), $"{type}.{field}: size");
        }
        foreach (var field in documented.Keys)
            Assert.That(offsets.ContainsKey(field), Is.True, $"{type}: the doc's '{field}' has no {field}Offset in {message.Name}");
    }

    /// <summary>The rows must tile the body: each starts where the previous ends, the last ends at the body size.</summary>
    private static void AssertContiguous(MessageType type, List<(int Offset, int Size, string Field)> rows, int size)
    {
        var next = 0;
        foreach (var (offset, length, field) in rows)
        {
            Assert.That(offset, Is.EqualTo(next), $"{type}.{field}: starts where the previous field ends");
            Assert.That(length, Is.Positive, $"{type}.{field}: size");
            next = offset + length;
        }
        Assert.That(next, Is.EqualTo(size), $"{type}: the table covers the {size}-byte body");
    }

    private static int? SizeOf(Type type)
    {
        if (type.IsEnum) type = Enum.GetUnderlyingType(type);
        if (type == typeof(byte) || type == typeof(sbyte) || type == typeof(bool)) return 1;
        if (type == typeof(short) || type == typeof(ushort)) return 2;
        if (type == typeof(int) || type == typeof(uint)) return 4;
        if (type == typeof(long) || type == typeof(ulong)) return 8;
        return null; // strings and lists: the table's size column is checked by contiguity only
    }

    /// <summary>OutputEvent's fields that own their bytes: the first declared at each offset (later ones are aliases).</summary>
    private static IEnumerable<FieldInfo> OwningFields()
    {
        var seen = new HashSet<int>();
        foreach (var field in typeof(OutputEvent).GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.MetadataToken))
            if (seen.Add((int)Marshal.OffsetOf<OutputEvent>(field.Name))) yield return field;
    }

    // ---- doc side ----

    private static int FindLine(string line)
    {
        var index = Array.IndexOf(Lines, line);
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"{DocPath} has no line '{line}'");
        Assert.That(Array.IndexOf(Lines, line, index + 1), Is.LessThan(0), $"{DocPath} has '{line}' twice");
        return index;
    }

    /// <summary>The layout table under a message's heading as (offset, size, field); empty when the body has no table.</summary>
    private static List<(int Offset, int Size, string Field)> LayoutRows(MessageType type)
    {
        var heading = FindLine($"### {type} (type {(byte)type}, {BodySize(type)} bytes)");
        var (header, rows) = TableAfter(heading);
        if (header.Length == 0) return [];
        Assert.That(header, Is.EqualTo(new[] { "offset", "size", "type", "field", "units", "meaning" }), $"{type}: layout table columns");
        return rows.Select(r => (Int(r[0]), Int(r[1]), r[3])).ToList();
    }

    /// <summary>The first table after line <paramref name="heading"/> and before the next heading: its header cells and rows.</summary>
    private static (string[] Header, List<string[]> Rows) TableAfter(int heading)
    {
        var i = heading + 1;
        while (i < Lines.Length && !Lines[i].StartsWith('|') && !Lines[i].StartsWith('#')) i++;
        if (i == Lines.Length || Lines[i].StartsWith('#')) return ([], []);
        return ReadTable(ref i);
    }

    private static (string[] Header, List<string[]> Rows) ReadTable(ref int i)
    {
        var header = Cells(Lines[i]);
        Assert.That(Lines[i + 1], Does.StartWith("| ---"), $"line {i + 2}: a table's second line separates the header");
        var rows = new List<string[]>();
        for (i += 2; i < Lines.Length && Lines[i].StartsWith('|'); i++)
        {
            var row = Cells(Lines[i]);
            Assert.That(row, Has.Length.EqualTo(header.Length), $"line {i + 1}: cell count");
            rows.Add(row);
        }
        return (header, rows);
    }

    /// <summary>Every table between <paramref name="sectionHeading"/> and the next heading of the same level.</summary>
    private static IEnumerable<(string[] Header, List<string[]> Rows)> TablesInSection(string sectionHeading)
    {
        var i = FindLine(sectionHeading) + 1;
        while (i < Lines.Length && !Lines[i].StartsWith("## ", StringComparison.Ordinal))
        {
            if (Lines[i].StartsWith('|')) yield return ReadTable(ref i);
            else i++;
        }
    }

    /// <summary>The rows of the one table whose header is exactly <paramref name="columns"/>.</summary>
    private static List<string[]> TableWithHeader(params string[] columns)
    {
        var found = new List<List<string[]>>();
        for (var i = 0; i < Lines.Length; i++)
        {
            if (!Lines[i].StartsWith('|') || !Cells(Lines[i]).SequenceEqual(columns)) continue;
            found.Add(ReadTable(ref i).Rows);
        }
        Assert.That(found, Has.Count.EqualTo(1), $"one table with columns {string.Join(", ", columns)}");
        return found[0];
    }

    /// <summary>Cells of a table line, trimmed, with code backticks removed.</summary>
    private static string[] Cells(string line) =>
        line.Trim().Trim('|').Split('|').Select(c => c.Trim().Replace("`", "", StringComparison.Ordinal)).ToArray();

    /// <summary>The bytes of the first code block after the heading <c>#### Example: <paramref name="title"/></c>.</summary>
    private static byte[] ExampleBytes(string title)
    {
        var i = FindLine("#### Example: " + title) + 1;
        while (i < Lines.Length && !Lines[i].StartsWith("```", StringComparison.Ordinal)) i++;
        var bytes = new List<byte>();
        for (i++; i < Lines.Length && !Lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            foreach (var token in Lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                bytes.Add(byte.Parse(token, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.That(bytes, Is.Not.Empty, $"example '{title}' has a code block of hex bytes");
        return bytes.ToArray();
    }

    private static int Int(string cell) => int.Parse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
