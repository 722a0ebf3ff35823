using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;

namespace Engine.LoadTest.Gateway;

/// <summary>A blocking-socket client for the benchmarks: frames built with the protocol catalog, no per-message allocation.</summary>
/// <remarks>One thread sends and one thread (possibly the same) receives; neither allocates after connecting.</remarks>
public sealed class BenchConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _receive = new byte[1 << 20];
    private readonly byte[] _scratch = new byte[FrameHeader.MaxFrameLength];
    private readonly byte[] _send = new byte[1 << 16];
    private int _sendLength;
    private int _start;
    private int _end;
    private uint _sequence;

    /// <summary>Connects and logs in with <paramref name="key"/>.</summary>
    public BenchConnection(int port, string key)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        FrameWriter.TryWriteLogin(_send, new LoginMessage(key, 60_000), ++_sequence, out var n);
        _socket.Send(_send.AsSpan(0, n));
        var type = ReadFrame(out _);
        if (type != MessageType.LoginAccepted) throw new InvalidOperationException($"login with '{key}' refused");
    }

    /// <summary>Free room in the send buffer, in PlaceOrder frames.</summary>
    public bool SendBufferFull => _sendLength + 64 > _send.Length;

    /// <summary>Appends a PlaceOrder frame to the send buffer.</summary>
    public void Add(in PlaceOrderMessage order)
    {
        FrameWriter.TryWriteRequest(_send.AsSpan(_sendLength), in order, ++_sequence, out var n);
        _sendLength += n;
    }

    /// <summary>Sends what was added.</summary>
    public void Send()
    {
        var sent = 0;
        while (sent < _sendLength) sent += _socket.Send(_send.AsSpan(sent, _sendLength - sent));
        _sendLength = 0;
    }

    /// <summary>Reads the next frame (blocking); an Event frame's body is decoded into <paramref name="e"/>.</summary>
    public MessageType ReadFrame(out OutputEvent e)
    {
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_receive, _start, _end - _start);
            var status = FrameReader.TryRead(ref sequence, _scratch, out var header, out var body);
            if (status == FrameStatus.Complete)
            {
                _start += header.Length;
                if (header.Type != MessageType.Event || !EventMessage.TryRead(body, out e)) e = default;
                return header.Type;
            }
            if (status != FrameStatus.Incomplete) throw new InvalidOperationException($"bad frame from the server: {status}");
            if (_start > 0)
            {
                Buffer.BlockCopy(_receive, _start, _receive, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var n = _socket.Receive(_receive, _end, _receive.Length - _end, SocketFlags.None);
            if (n == 0) throw new IOException("the server closed the connection");
            _end += n;
        }
    }

    /// <summary>Reads frames until an Accepted or Rejected event; returns it.</summary>
    public OutputEvent ReadResponse()
    {
        while (true)
        {
            if (ReadFrame(out var e) == MessageType.Event && e.Type is EventType.Accepted or EventType.Rejected) return e;
        }
    }

    /// <summary>Sends one order and reads until its Accepted or Rejected.</summary>
    public OutputEvent ReadResponseTo(in PlaceOrderMessage order)
    {
        Add(in order);
        Send();
        return ReadResponse();
    }

    /// <summary>Reads frames until an event of the given type.</summary>
    public void ReadUntil(EventType type)
    {
        while (ReadFrame(out var e) != MessageType.Event || e.Type != type)
        {
        }
    }

    /// <summary>An immediate-or-cancel buy below the (empty) ask side: answered by Accepted, then Canceled, and leaves no state.</summary>
    public static PlaceOrderMessage IocBuy(int account, long clientOrderId) => new()
    {
        AccountId = account,
        InstrumentId = 1,
        ClientOrderId = clientOrderId,
        Price = 99_000 * FixedPoint.PriceScale,
        Quantity = FixedPoint.QuantityScale / 1000,
        Side = Side.Buy,
        OrderType = OrderType.Limit,
        TimeInForce = TimeInForce.ImmediateOrCancel,
    };

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
