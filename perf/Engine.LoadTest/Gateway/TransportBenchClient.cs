using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engine.Events;
using Engine.Gateway.Protocol;
using HdrHistogram;

namespace Engine.LoadTest.Gateway;

/// <summary>The transport test's client: one blocking socket, PlaceOrder frames out, answers counted by bytes; allocates nothing per message.</summary>
/// <remarks>
/// Every server answers a 48-byte request with 208 bytes, so the client never needs to parse what comes back (the framed
/// servers' answers are checked during the round-trip warm-up). One connection serves a round-trip phase and then a
/// pipelined phase, where this thread sends and a receiver thread counts the answers.
/// </remarks>
public sealed class TransportBenchClient : IDisposable
{
    private const int BatchFrames = 256;
    private const long HighestNanos = 60_000_000_000; // a round trip stalled by a loaded machine must not overflow the histogram

    private readonly Socket _socket;
    private readonly byte[] _send = new byte[BatchFrames * FrameAnswerer.RequestBytes];
    private readonly byte[] _response = new byte[FrameAnswerer.ResponseBytes];
    private readonly byte[] _receive = new byte[1 << 20];
    private readonly byte[] _scratch = new byte[FrameHeader.MaxFrameLength];
    private uint _sequence;
    private long _nextOrderId = 1;
    private long _answeredBytes;
    private Exception? _receiveFailure;

    /// <summary>Connects to a loopback port.</summary>
    public TransportBenchClient(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    }

    /// <summary>Closed loop: one request outstanding at a time; returns the round trips after the warm-up, in ns.</summary>
    public LongHistogram RoundTrips(int warmup, int count, bool checkAnswers)
    {
        var histogram = new LongHistogram(HighestNanos, 3);
        for (var i = 0; i < warmup + count; i++)
        {
            var orderId = _nextOrderId;
            var t0 = Stopwatch.GetTimestamp();
            Add(0);
            SendAll(FrameAnswerer.RequestBytes);
            var got = 0;
            while (got < FrameAnswerer.ResponseBytes)
            {
                var n = _socket.Receive(_response, got, FrameAnswerer.ResponseBytes - got, SocketFlags.None);
                if (n == 0) throw new IOException("the server closed the connection");
                got += n;
            }
            var t1 = Stopwatch.GetTimestamp();
            if (i >= warmup) histogram.RecordValue(Math.Clamp(Nanos(t1 - t0), 0, HighestNanos));
            else if (checkAnswers) Check(orderId);
        }
        return histogram;
    }

    /// <summary>One client pipelining <paramref name="total"/> requests, <see cref="BatchFrames"/> per send, at most <paramref name="inFlight"/> unanswered.</summary>
    /// <returns>Answers per second, and the whole process's allocated bytes and gen-0 collections during the run.</returns>
    public (double MessagesPerSecond, long AllocatedBytes, int Gen0) Pipeline(int total, int inFlight)
    {
        Volatile.Write(ref _answeredBytes, 0);
        var expected = (long)total * FrameAnswerer.ResponseBytes;
        var receiver = new Thread(() => Receive(expected)) { Name = "transport-receiver", IsBackground = true };
        receiver.Start();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen0Before = GC.CollectionCount(0);
        var start = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < total)
        {
            if (Volatile.Read(ref _receiveFailure) is { } failure) throw new IOException("receiver failed", failure);
            if (sent - Volatile.Read(ref _answeredBytes) / FrameAnswerer.ResponseBytes > inFlight)
            {
                Thread.Yield(); // two cores: give the server the core rather than spin
                continue;
            }
            var batch = Math.Min(BatchFrames, total - sent);
            for (var i = 0; i < batch; i++) Add(i * FrameAnswerer.RequestBytes);
            SendAll(batch * FrameAnswerer.RequestBytes);
            sent += batch;
        }
        receiver.Join();
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var gen0 = GC.CollectionCount(0) - gen0Before;
        if (_receiveFailure is { } e) throw new IOException("receiver failed", e);
        return (total / seconds, allocated, gen0);
    }

    private void Receive(long expected)
    {
        try
        {
            var got = 0L;
            while (got < expected)
            {
                var n = _socket.Receive(_receive, 0, (int)Math.Min(_receive.Length, expected - got), SocketFlags.None);
                if (n == 0) throw new IOException("the server closed the connection");
                got += n;
                Volatile.Write(ref _answeredBytes, got);
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Volatile.Write(ref _receiveFailure, e);
        }
    }

    private void Add(int offset)
    {
        var order = BenchConnection.IocBuy(100, _nextOrderId++);
        FrameWriter.TryWriteRequest(_send.AsSpan(offset), in order, ++_sequence, out _);
    }

    private void SendAll(int length)
    {
        var sent = 0;
        while (sent < length) sent += _socket.Send(_send.AsSpan(sent, length - sent));
    }

    /// <summary>Warm-up only: the answer is Accepted then Canceled for the order just sent.</summary>
    private void Check(long orderId)
    {
        var buffer = new ReadOnlySequence<byte>(_response);
        foreach (var type in (ReadOnlySpan<EventType>)[EventType.Accepted, EventType.Canceled])
        {
            if (FrameReader.TryRead(ref buffer, _scratch, out var header, out var body) != FrameStatus.Complete || header.Type != MessageType.Event
                || !EventMessage.TryRead(body, out var e) || e.Type != type || e.ClientOrderId != orderId)
                throw new InvalidOperationException($"unexpected answer to order {orderId}");
        }
    }

    private static long Nanos(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
