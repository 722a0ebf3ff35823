using System.Text;
using Engine.Commands;
using Engine.Events;

namespace Engine.Tests.Support;

/// <summary>Market settings for a differential run: one instrument (<see cref="LogicHarness.Instrument"/>) and accounts 1..Accounts.</summary>
public sealed record MarketSetup(int Accounts = 4, int MakerFeePpm = 200, int TakerFeePpm = 500, ushort BandBps = 10_000,
    byte LadderLog2 = 12, long MaxOrderLots = 50);

/// <summary>Thrown when the engine and the reference model disagree, or an engine invariant breaks.</summary>
public sealed class ModelMismatchException(string message) : Exception(message);

/// <summary>
/// Feeds the same commands to <see cref="Engine.Logic.ExchangeLogic"/> (through a <see cref="LogicHarness"/>) and to a
/// <see cref="ReferenceBook"/>, and compares every event field by field, the positions, and the engine's invariants
/// after every command.
/// </summary>
/// <remarks>
/// Commands are written in the model's order-id space (1, 2, 3, ... in order of acceptance). The runner maps a
/// model id to the engine id announced by the same Accepted event; an id it has never seen (an "unknown" id)
/// is passed to both unchanged.
/// </remarks>
public sealed class DifferentialRunner
{
    /// <summary>An order id neither side ever hands out: generation 0x7FFF, slot 4095.</summary>
    public const long UnknownOrderId = (0x7FFFL << 32) | 0x0FFF;

    private readonly Dictionary<long, long> _engineIdOf = new();
    private readonly Dictionary<long, long> _modelIdOf = new();
    private readonly List<string> _trace = new();

    public DifferentialRunner(MarketSetup setup)
    {
        Setup = setup;
        Harness = new LogicHarness(checkInvariants: false);
        var accounts = Enumerable.Range(1, setup.Accounts).ToList();
        Expect(Cmd.AddInstrument(LogicHarness.Instrument, LogicHarness.Tick, LogicHarness.Lot, setup.MaxOrderLots * LogicHarness.Lot,
            setup.MakerFeePpm, setup.TakerFeePpm, setup.BandBps, maxLeverage: 100, setup.LadderLog2));
        foreach (var a in accounts)
        {
            Expect(Cmd.CreateAccount(a));
            Expect(Cmd.Deposit(a, 0, LogicHarness.AmpleCollateral)); // margin never limits the matching model
        }
        Model = new ReferenceBook(new ReferenceSpec(LogicHarness.Instrument, LogicHarness.Tick, LogicHarness.Lot, setup.MaxOrderLots,
            setup.MakerFeePpm, setup.TakerFeePpm, setup.BandBps, 1 << setup.LadderLog2, accounts));
        _trace.Add($"setup: {setup}");
    }

    public MarketSetup Setup { get; }

    public LogicHarness Harness { get; }

    public ReferenceBook Model { get; }

    /// <summary>Commands run so far, one line each, in model ids (id[n] is the n-th accepted order).</summary>
    public IReadOnlyList<string> Trace => _trace;

    /// <summary>The engine's id of model order <paramref name="modelId"/>, or the id itself when unknown.</summary>
    public long EngineId(long modelId) => _engineIdOf.GetValueOrDefault(modelId, modelId);

    /// <summary>Runs one command (in model ids) through both and compares; returns the engine's events.</summary>
    public List<OutputEvent> Run(Command modelCmd)
    {
        var sequence = Harness.LastSequence + 1;
        modelCmd.ReceiveTime = sequence * 1_000 + 7;
        var engineCmd = modelCmd;
        if (modelCmd.Type is CommandType.CancelOrder or CommandType.ReplaceOrder) engineCmd.OrderId = EngineId(modelCmd.OrderId);
        _trace.Add(Describe(modelCmd));

        var actual = Harness.Send(engineCmd);
        var expected = Model.Apply(modelCmd, sequence);

        var problem = Harness.Logic.ValidateInvariants();
        if (problem != null) Fail($"engine invariant broken: {problem}", expected, actual);
        if (actual.Count != expected.Count) Fail($"event count {actual.Count}, model {expected.Count}", expected, actual);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e.Type == EventType.Accepted && modelCmd.Type == CommandType.PlaceOrder && a.Type == EventType.Accepted) Register(e.OrderId, a.OrderId, expected, actual);
            var diff = Diff(e, a);
            if (diff != null) Fail($"event {i}: {diff}", expected, actual);
        }
        foreach (var account in Model.Spec.Accounts)
        {
            var engine = EnginePosition(account);
            if (engine != Model.Position(account)) Fail($"position of account {account}: engine {engine}, model {Model.Position(account)}", expected, actual);
        }
        if (Harness.Logic.OpenOrderCount != Model.OpenOrderCount)
            Fail($"open orders: engine {Harness.Logic.OpenOrderCount}, model {Model.OpenOrderCount}", expected, actual);
        return actual;
    }

    /// <summary>Signed position in lots the engine holds for an account on the instrument.</summary>
    public long EnginePosition(int account)
    {
        var positions = Harness.Logic.Positions;
        var row = positions.Find(account, LogicHarness.Instrument);
        return row == 0 ? 0 : positions.Lots[row];
    }

    private void Expect(Command cmd)
    {
        var events = Harness.Send(cmd);
        if (events.Count == 0 || events[0].Type != EventType.Accepted)
            throw new InvalidOperationException($"setup command {cmd.Type} was not accepted");
    }

    private void Register(long modelId, long engineId, List<OutputEvent> expected, List<OutputEvent> actual)
    {
        if (_modelIdOf.TryGetValue(engineId, out var previous) && Model.IsOpen(previous))
            Fail($"engine handed out id {engineId:X} of order id[{previous}], which is still open", expected, actual);
        _engineIdOf[modelId] = engineId;
        _modelIdOf[engineId] = modelId;
    }

    private string? Diff(OutputEvent model, OutputEvent engine)
    {
        var d = new StringBuilder();
        void Check<T>(string name, T m, T e)
        {
            if (!EqualityComparer<T>.Default.Equals(m, e)) d.Append($" {name}: engine {e}, model {m};");
        }
        Check("Type", model.Type, engine.Type);
        Check("Code", model.Code, engine.Code);
        Check("Side", model.Side, engine.Side);
        Check("Flags", model.Flags, engine.Flags);
        Check("CommandType", model.CommandType, engine.CommandType);
        Check("SessionId", model.SessionId, engine.SessionId);
        Check("AccountId", model.AccountId, engine.AccountId);
        Check("InputSequence", model.InputSequence, engine.InputSequence);
        Check("InstrumentId", model.InstrumentId, engine.InstrumentId);
        Check("Count", model.Count, engine.Count);
        Check("ClientOrderId", model.ClientOrderId, engine.ClientOrderId);
        Check("Price", model.Price, engine.Price);
        Check("Quantity", model.Quantity, engine.Quantity);
        Check("OrderId", EngineId(model.OrderId), engine.OrderId);
        Check("LeavesQuantity", model.LeavesQuantity, engine.LeavesQuantity);
        Check("Fee", model.Fee, engine.Fee);
        Check("MatchId", model.MatchId, engine.MatchId);
        Check("Time", model.Time, engine.Time);
        return d.Length == 0 ? null : d.ToString();
    }

    private void Fail(string what, List<OutputEvent> expected, List<OutputEvent> actual)
    {
        var s = new StringBuilder();
        s.AppendLine($"engine and model disagree after command {_trace.Count - 1}: {what}");
        s.AppendLine("commands (model order ids: id[n] = n-th accepted order):");
        foreach (var line in _trace) s.AppendLine("  " + line);
        s.AppendLine("model events:");
        foreach (var e in expected) s.AppendLine("  " + Format(e, model: true));
        s.AppendLine("engine events:");
        foreach (var e in actual) s.AppendLine("  " + Format(e, model: false));
        throw new ModelMismatchException(s.ToString());
    }

    private string Format(OutputEvent e, bool model)
    {
        var id = model ? e.OrderId : _modelIdOf.GetValueOrDefault(e.OrderId, e.OrderId);
        var code = e.Type == EventType.Rejected ? $" {e.RejectCode}" : e.Type == EventType.Canceled ? $" {e.CancelReason}" : "";
        return $"{e.Type}{code} acct={e.AccountId} side={e.Side} id[{id}] px={e.Price / LogicHarness.Tick}{(e.Price % LogicHarness.Tick != 0 ? "+" : "")}"
            + $" qty={e.Quantity / (double)LogicHarness.Lot} leaves={e.LeavesQuantity / (double)LogicHarness.Lot} fee={e.Fee} match={e.MatchId}"
            + $" flags={e.Flags} count={e.Count} cl={e.ClientOrderId} sess={e.SessionId} ins={e.InstrumentId}";
    }

    /// <summary>A command as a line of C# against <see cref="Cmd"/> (prices in ticks, quantities in lots where exact).</summary>
    public static string Describe(Command c)
    {
        static string Px(long raw) => raw % LogicHarness.Tick == 0 ? $"Px({raw / LogicHarness.Tick})" : raw.ToString();
        static string Qty(long raw) => raw % LogicHarness.Lot == 0 ? $"Qty({raw / LogicHarness.Lot})" : raw.ToString();
        static string Id(long id) => id == UnknownOrderId ? "UnknownOrderId" : $"id[{id}]";
        var session = c.SessionId != 0 ? $" /*session {c.SessionId}*/" : "";
        return c.Type switch
        {
            CommandType.PlaceOrder when c.OrderType == OrderType.Market =>
                $"Cmd.Market({c.AccountId}, {c.InstrumentId}, (Side){(int)c.Side}/*{c.Side}*/, {Qty(c.Quantity)}, {c.ClientOrderId}, "
                + $"(TimeInForce){(int)c.TimeInForce}/*{c.TimeInForce}*/, (OrderFlags){(int)c.Flags}/*{c.Flags}*/, (SelfTradeMode){(int)c.SelfTrade}/*{c.SelfTrade}*/){session}",
            CommandType.PlaceOrder =>
                $"Cmd.Limit({c.AccountId}, {c.InstrumentId}, (Side){(int)c.Side}/*{c.Side}*/, {Px(c.Price)}, {Qty(c.Quantity)}, {c.ClientOrderId}, "
                + $"(TimeInForce){(int)c.TimeInForce}/*{c.TimeInForce}*/, (OrderFlags){(int)c.Flags}/*{c.Flags}*/, (SelfTradeMode){(int)c.SelfTrade}/*{c.SelfTrade}*/){session}",
            CommandType.CancelOrder => $"Cmd.Cancel({c.AccountId}, {Id(c.OrderId)}, {c.RequestId}){session}",
            CommandType.ReplaceOrder => $"Cmd.Replace({c.AccountId}, {Id(c.OrderId)}, {(c.Price == 0 ? "0" : Px(c.Price))}, {(c.Quantity == 0 ? "0" : Qty(c.Quantity))}, {c.RequestId}){session}",
            CommandType.MassCancel => $"Cmd.MassCancel({c.AccountId}, {(c.InstrumentFilter != 0 ? c.InstrumentId.ToString() : "null")}, {c.RequestId}){session}",
            CommandType.MarkPrice => $"Cmd.MarkPrice({c.InstrumentId}, {Px(c.Price)})",
            CommandType.QueryBook => $"Cmd.QueryBook({c.InstrumentId}, {c.Depth}, {c.RequestId}){session}",
            _ => c.Type.ToString(),
        };
    }
}
