using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace AkkaTcp.Client;

/// <summary>
/// A client of the file protocol: upload, download (both streamed in 64 KiB steps, with progress),
/// list and delete. One transfer at a time per client. Bodies are streamed through a plain
/// socket stream (or TLS over it), whose own flow control paces them (a request/response pool
/// adds nothing here).
/// </summary>
public sealed class FileClient : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly ReplyReader _replies;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    private FileClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _replies = new ReplyReader(_stream);
    }

    // The shipped plaintext overload keeps its optional token; the TLS one takes it explicitly.
#pragma warning disable RS0027
    public static Task<FileClient> ConnectAsync(EndPoint server, CancellationToken cancellationToken = default) =>
        ConnectAsync(server, ClientTlsSettings.Off, cancellationToken);
#pragma warning restore RS0027

    /// <summary>Connects, with TLS when <paramref name="tls"/> is enabled.</summary>
    /// <exception cref="ConnectionFailedException">The TLS handshake failed; the message says why.</exception>
    public static async Task<FileClient> ConnectAsync(EndPoint server, ClientTlsSettings tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls.Enabled)
                stream = await AuthenticateAsync(server, stream, tls, cancellationToken).ConfigureAwait(false);
            return new FileClient(socket, stream);
        }
        catch
        {
            if (stream is not null)
                await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw;
        }
    }

    private static async Task<Stream> AuthenticateAsync(EndPoint server, Stream network, ClientTlsSettings settings, CancellationToken cancellationToken)
    {
        string? rejection = null;
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new ClientTls(settings).Options(server, reason => rejection = reason), cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionFailedException(server, "TLS handshake failed: " + (rejection ?? e.Message), e);
        }
    }

    /// <summary>Uploads the file at <paramref name="path"/> as <paramref name="name"/>; returns its sha256 as the server confirmed it.</summary>
    /// <param name="progress">Bytes sent so far, reported after each step.</param>
    public async Task<string> UploadAsync(string path, string name, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
            file.Position = 0;
            var size = file.Length;
            await SendLineAsync($"PUT {name} {size.ToString(CultureInfo.InvariantCulture)} {sha256}", cancellationToken).ConfigureAwait(false);
            var buffer = new byte[ChunkSize];
            long sent = 0;
            while (sent < size)
            {
                var read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw new FileTransferException($"{path} shrank while being uploaded");
                var body = (int)Math.Min(read, size - sent); // a file that grew meanwhile is sent as announced
                await _stream.WriteAsync(buffer.AsMemory(0, body), cancellationToken).ConfigureAwait(false);
                sent += body;
                progress?.Report(sent);
            }
            var reply = await ExpectOkAsync(cancellationToken).ConfigureAwait(false);
            if (reply != sha256)
                throw new FileTransferException($"the server confirmed sha256 {reply}, expected {sha256}");
            return sha256;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// Downloads <paramref name="name"/> to <paramref name="path"/>: written to "path.part" as it
    /// arrives, checked against the announced size and sha256, then renamed into place. Returns the sha256.
    /// </summary>
    /// <param name="progress">Bytes received so far and the total size.</param>
    public async Task<string> DownloadAsync(string name, string path, IProgress<(long Received, long Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        var partial = path + ".part";
        try
        {
            await SendLineAsync($"GET {name}", cancellationToken).ConfigureAwait(false);
            var header = (await ExpectOkAsync(cancellationToken).ConfigureAwait(false)).Split(' ');
            if (header.Length != 2 || !long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                throw new FileTransferException($"malformed GET reply: OK {string.Join(' ', header)}");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                await _replies.ReadBodyAsync(size, async chunk =>
                {
                    hash.AppendData(chunk.Span);
                    await file.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    received += chunk.Length;
                    progress?.Report((received, size));
                }, cancellationToken).ConfigureAwait(false);
            }
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != header[1])
                throw new FileTransferException($"sha256 mismatch: the server announced {header[1]}, the bytes hash to {actual}");
            File.Move(partial, path, overwrite: true);
            return actual;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Every file the server holds, with its size.</summary>
    public async Task<IReadOnlyList<(string Name, long Size)>> ListAsync(CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendLineAsync("LIST", cancellationToken).ConfigureAwait(false);
            var files = new List<(string, long)>();
            while (await _replies.ReadLineAsync(cancellationToken).ConfigureAwait(false) is var line && line != ".")
            {
                var space = line.LastIndexOf(' ');
                if (line.StartsWith("ERR ", StringComparison.Ordinal) || space < 0)
                    throw new FileTransferException(line);
                files.Add((line[..space], long.Parse(line[(space + 1)..], CultureInfo.InvariantCulture)));
            }
            return files;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendLineAsync($"DEL {name}", cancellationToken).ConfigureAwait(false);
            await ExpectOkAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task SendLineAsync(string line, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);

    /// <summary>Reads "OK [rest]" and returns rest; "ERR reason" becomes a <see cref="FileTransferException"/>.</summary>
    private async Task<string> ExpectOkAsync(CancellationToken cancellationToken)
    {
        var line = await _replies.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line == "OK")
            return "";
        if (line.StartsWith("OK ", StringComparison.Ordinal))
            return line[3..];
        throw new FileTransferException(line.StartsWith("ERR ", StringComparison.Ordinal) ? line[4..] : $"unexpected reply: {line}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendLineAsync("QUIT", CancellationToken.None).ConfigureAwait(false);
            if (_stream is SslStream ssl)
                await ssl.ShutdownAsync().ConfigureAwait(false); // close_notify before the FIN
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Already gone: nothing to say goodbye to.
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _oneAtATime.Dispose();
    }
}
