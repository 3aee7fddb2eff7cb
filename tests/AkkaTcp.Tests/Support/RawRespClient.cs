using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// A loopback RESP2 client that sends commands as arrays of bulk strings and reads each reply
/// whole, as its exact bytes: for comparing servers byte for byte and for pipelining by hand.
/// </summary>
public sealed class RawRespClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;

    private RawRespClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = new BufferedStream(_stream, 64 * 1024);
    }

    public static async Task<RawRespClient> ConnectAsync(IPEndPoint server, CancellationToken cancel)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancel);
        return new RawRespClient(socket);
    }

    public static byte[] Encode(IReadOnlyList<string> args)
    {
        var text = new StringBuilder().Append('*').Append(args.Count).Append("\r\n");
        foreach (var arg in args)
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public async Task SendAsync(CancellationToken cancel, params string[] args) => await _stream.WriteAsync(Encode(args), cancel);

    /// <summary>Sends bytes as they are (a pipeline encoded by the caller).</summary>
    public async Task SendRawAsync(byte[] bytes, CancellationToken cancel) => await _stream.WriteAsync(bytes, cancel);

    /// <summary>Sends one command and reads its reply.</summary>
    public async Task<string> AskAsync(CancellationToken cancel, params string[] args)
    {
        await SendAsync(cancel, args);
        return await ReadReplyAsync(cancel);
    }

    /// <summary>The next whole reply, as RESP text (arrays with all their elements).</summary>
    public async Task<string> ReadReplyAsync(CancellationToken cancel)
    {
        var line = await ReadLineAsync(cancel);
        switch (line[0])
        {
            case '$':
                var length = int.Parse(line.AsSpan(1));
                if (length < 0)
                    return line + "\r\n";
                var bytes = new byte[length + 2];
                await _input.ReadExactlyAsync(bytes, cancel);
                return line + "\r\n" + Encoding.UTF8.GetString(bytes);
            case '*':
                var count = int.Parse(line.AsSpan(1));
                var all = new StringBuilder(line).Append("\r\n");
                for (var i = 0; i < count; i++)
                    all.Append(await ReadReplyAsync(cancel));
                return all.ToString();
            default:
                return line + "\r\n";
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancel)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _input.ReadAsync(one, cancel) == 0)
                throw new EndOfStreamException("the server closed the connection");
            if (one[0] == '\n' && line.Count > 0 && line[^1] == '\r')
                return Encoding.UTF8.GetString(line.ToArray(), 0, line.Count - 1);
            line.Add(one[0]);
        }
    }

    /// <summary>True when the server has closed the connection (the next read ends).</summary>
    public async Task<bool> IsClosedAsync(CancellationToken cancel)
    {
        try
        {
            return await _input.ReadAsync(new byte[1], cancel) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.DisposeAsync();
        _socket.Dispose();
    }
}
