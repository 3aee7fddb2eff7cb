using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Akka.Actor;
using AkkaTcp.Protocols;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// The GET half of a file session: opens the file (kept open, so a replacement uploaded meanwhile
/// does not change what this client gets), finds its recorded sha256 or computes it off the actor,
/// writes the "OK size sha256" header, then reads the file asynchronously one chunk at a time,
/// starting the next read only while the client has less than two chunks left to read.
/// </summary>
internal sealed class Downloader(FileStore store, LineCodec lines)
{
    private sealed record Hashed(Download Download, string? Sha256, Exception? Error);

    private sealed record ChunkRead(Download Download, byte[] Buffer, int Count, Exception? Error);

    private Download? _download;
    private bool _hashing;

    public bool IsBusy => _download is not null || _hashing;

    /// <summary>Answers GET for a name <see cref="FileNames"/> accepted: the header, then the bytes as the client reads them.</summary>
    public void Start(string name, IConnectionSink sink)
    {
        FileStream stream;
        string? recorded;
        try
        {
            if (store.Find(name) is not { } info)
            {
                Reply(sink, "ERR not found");
                return;
            }
            // Shared for delete: a replacement renamed over it meanwhile leaves this download whole.
            stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous);
            recorded = store.RecordedChecksum(name, stream.Length, File.GetLastWriteTimeUtc(stream.SafeFileHandle));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Reply(sink, "ERR not found");
            return;
        }
        var download = new Download(stream);
        if (recorded is not null)
        {
            StartDownload(download, recorded, sink);
            return;
        }
        _hashing = true;
        var self = sink.Self;
        HashAsync(stream).ContinueWith(done => self.Tell(done.IsCompletedSuccessfully
            ? new Hashed(download, done.Result, null)
            : new Hashed(download, null, done.Exception?.InnerException)), TaskScheduler.Default);
    }

    private static async Task<string> HashAsync(FileStream stream)
    {
        var hash = await SHA256.HashDataAsync(stream).ConfigureAwait(false);
        stream.Position = 0;
        return Convert.ToHexStringLower(hash);
    }

    private void StartDownload(Download download, string sha256, IConnectionSink sink)
    {
        Reply(sink, string.Create(CultureInfo.InvariantCulture, $"OK {download.Length} {sha256}"));
        if (download.Length == 0)
        {
            download.Stream.Dispose();
            return;
        }
        _download = download;
        Pump(sink);
    }

    /// <summary>Reads the next chunk if the client has less than two chunks left to read.</summary>
    private void Pump(IConnectionSink sink)
    {
        if (_download is not { Reading: false, Remaining: > 0 } download || sink.PendingOutputBytes >= 2 * store.Settings.ChunkSize)
            return;
        download.Reading = true;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(store.Settings.ChunkSize, download.Remaining));
        var self = sink.Self;
        var length = (int)Math.Min(buffer.Length, download.Remaining);
        RandomAccess.ReadAsync(download.Stream.SafeFileHandle, buffer.AsMemory(0, length), download.Offset).AsTask().ContinueWith(done =>
            self.Tell(done.IsCompletedSuccessfully
                ? new ChunkRead(download, buffer, done.Result, null)
                : new ChunkRead(download, buffer, 0, done.Exception?.InnerException)), TaskScheduler.Default);
    }

    /// <summary>Handles this downloader's own messages (a hash computed, a chunk read); false for any other.</summary>
    public bool OnMessage(object message, IConnectionSink sink)
    {
        switch (message)
        {
            case Hashed hashed:
                _hashing = false;
                if (hashed.Sha256 is null)
                {
                    hashed.Download.Stream.Dispose();
                    Reply(sink, "ERR could not read the file: " + hashed.Error?.Message);
                    return true;
                }
                StartDownload(hashed.Download, hashed.Sha256, sink);
                return true;
            case ChunkRead read when read.Download == _download:
                OnChunkRead(read, sink);
                return true;
            case ChunkRead stale:
                ArrayPool<byte>.Shared.Return(stale.Buffer);
                return true;
            default:
                return false;
        }
    }

    private void OnChunkRead(ChunkRead read, IConnectionSink sink)
    {
        var download = read.Download;
        download.Reading = false;
        if (read.Error is not null || read.Count == 0)
        {
            // The file shrank or failed under us: the promised size cannot be kept, so the client
            // must see the connection end rather than a short body followed by another reply.
            ArrayPool<byte>.Shared.Return(read.Buffer);
            EndDownload();
            sink.Close(CloseReason.Error);
            return;
        }
        read.Buffer.AsSpan(0, read.Count).CopyTo(sink.Output.GetSpan(read.Count));
        sink.Output.Advance(read.Count);
        ArrayPool<byte>.Shared.Return(read.Buffer);
        download.Offset += read.Count;
        if (download.Remaining == 0)
            EndDownload();
        else
            Pump(sink);
    }

    private void Reply(IConnectionSink sink, string line) => lines.EncodeText(line, sink.Output);

    /// <summary>A write was acknowledged: the client read some; read on.</summary>
    public void OnWritten(IConnectionSink sink) => Pump(sink);

    /// <summary>The connection ended: close the file.</summary>
    public void Stop() => EndDownload();

    private void EndDownload()
    {
        _download?.Stream.Dispose();
        _download = null;
    }
}
