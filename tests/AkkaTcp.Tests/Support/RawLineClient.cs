using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace AkkaTcp.Tests.Support;

/// <summary>A real loopback TCP client for line protocols, reading exactly what the server sent.</summary>
public sealed class RawLineClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawLineClient(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    public static async Task<RawLineClient> ConnectAsync(IPEndPoint server, CancellationToken cancel, IPAddress? from = null, int receiveBufferSize = 0)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize > 0)
            socket.ReceiveBufferSize = receiveBufferSize; // before connecting, so the window starts small
        if (from is not null)
            socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(server, cancel);
        return new RawLineClient(socket);
    }

    /// <summary>Connects and checks the server answers <paramref name="line"/> with itself: a client served by an echo server.</summary>
    public static async Task<RawLineClient> ConnectEchoedAsync(IPEndPoint server, string line, CancellationToken cancel, IPAddress? from = null)
    {
        var client = await ConnectAsync(server, cancel, from);
        await client.SendAsync(line + "\n", cancel);
        Assert.Equal(line, await client.ReadLineAsync(cancel));
        return client;
    }

    public Task SendAsync(string text, CancellationToken cancel) => SendAsync(Encoding.UTF8.GetBytes(text), cancel);

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancel);
            bytes = bytes[sent..];
        }
    }

    /// <summary>
    /// Behaves as a well-behaved bystander: a line every 50 ms, each echo checked, until
    /// <paramref name="until"/> completes (at least one round trip). Returns the round trips made.
    /// </summary>
    public async Task<int> KeepTalkingAsync(Task until, Func<CancellationToken> within)
    {
        var trips = 0;
        do
        {
            await SendAsync($"trip {trips}\n", within());
            var echoed = await ReadLineAsync(within());
            if (echoed != $"trip {trips}")
                throw new InvalidOperationException($"the bystander's trip {trips} came back as [{echoed}]");
            trips++;
            await Task.WhenAny(until, Task.Delay(50)); // pacing the load, not synchronising
        }
        while (!until.IsCompleted);
        await until;
        return trips;
    }

    /// <summary>Closes our sending side (FIN) while still reading.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Resets the connection (RST): linger 0, then close.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>The next line without its '\n', or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start);
                _start = newline + 1;
                return line;
            }
            if (!await FillAsync(cancel))
                return null;
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (fewer only if the server closes first).</summary>
    public async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancel)
    {
        var result = new MemoryStream(count);
        while (result.Length < count)
        {
            if (_start == _end && !await FillAsync(cancel))
                break;
            var take = (int)Math.Min(count - result.Length, _end - _start);
            result.Write(_buffer, _start, take);
            _start += take;
        }
        return result.ToArray();
    }

    /// <summary>
    /// Reads until the server closes, then closes this side too, as a real client does on EOF.
    /// Returns what came, and whether the server's close was a clean FIN (not a reset).
    /// </summary>
    public Task<(byte[] Remaining, bool CleanClose)> ReadToEndAsync(CancellationToken cancel) => ReadToEndAsync(cancel, closeAtEnd: true);

    /// <summary>Reads until the server closes, but keeps this side open (a blocked or pooled client).</summary>
    public Task<(byte[] Remaining, bool CleanClose)> ReadToEndAndHoldAsync(CancellationToken cancel) => ReadToEndAsync(cancel, closeAtEnd: false);

    private async Task<(byte[] Remaining, bool CleanClose)> ReadToEndAsync(CancellationToken cancel, bool closeAtEnd)
    {
        var rest = new MemoryStream();
        rest.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        try
        {
            while (await FillAsync(cancel))
            {
                rest.Write(_buffer, _start, _end - _start);
                _start = _end = 0;
            }
            if (closeAtEnd)
                _socket.Close();
            return (rest.ToArray(), true);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (rest.ToArray(), false);
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancel)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel);
        _end += read;
        return read > 0;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
