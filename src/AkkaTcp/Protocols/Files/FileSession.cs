using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using AkkaTcp.Connections;
using AkkaTcp.Framing;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// One connection of the file protocol. Commands are lines; a PUT's body and a GET's reply are
/// raw bytes. One command at a time: while a download streams or an upload is committed the
/// session is busy and leaves later commands unread (they are served after it, in order).
/// Disk work that can take long (fsync and rename, hashing a file, reading it) runs off the
/// actor and comes back as a message.
/// </summary>
internal sealed class FileSession(FileStore store, LineCodec lines) : IProtocolSession
{
    private sealed record Committed(Upload Upload, Exception? Error);

    private sealed record Hashed(Download Download, string? Sha256, Exception? Error);

    private sealed record ChunkRead(Download Download, byte[] Buffer, int Count, Exception? Error);

    private sealed record UploadWritten(Upload Upload, Exception? Error);

    private Upload? _upload;
    private long _discarding;
    private Download? _download;
    private bool _waiting; // for a commit or a hash

    /// <summary>Streaming a download, finishing an upload's writes, or waiting for a commit or a hash.</summary>
    public bool IsBusy => _download is not null || _waiting || _upload is { Remaining: 0 };

    public void OnConnected(IConnectionSink sink)
    {
    }

    public int OnReceived(ReadOnlySpan<byte> input, IConnectionSink sink)
    {
        var consumed = 0;
        while (consumed < input.Length && !sink.IsClosing)
        {
            var rest = input[consumed..];
            if (_discarding > 0)
            {
                var skipped = (int)Math.Min(_discarding, rest.Length);
                _discarding -= skipped;
                consumed += skipped;
                continue;
            }
            if (_upload is { Remaining: > 0 } upload)
            {
                var body = rest[..(int)Math.Min(upload.Remaining, rest.Length)];
                upload.Append(body);
                consumed += body.Length;
                WriteUpload(upload, sink);
                continue;
            }
            if (IsBusy)
            {
                // Commands sent ahead wait here; a client that keeps sending is cut, not buffered.
                if (rest.Length > store.Settings.ChunkSize)
                    Fail(sink, "too much input while a transfer is in progress");
                break;
            }
            var status = lines.Decode(rest, out var line, out var length, out var error);
            if (status == DecodeStatus.NeedMoreData)
                break;
            if (status == DecodeStatus.Error)
            {
                Reply(sink, "ERR " + error.Message);
                sink.Close(error.Reason);
                break;
            }
            consumed += length;
            OnCommand(line, sink);
        }
        return consumed;
    }

    private void OnCommand(ReadOnlySpan<byte> line, IConnectionSink sink)
    {
        Span<Range> parts = stackalloc Range[5];
        var count = SplitWords(line, parts);
        var verb = line[parts[0]];
        if (Ascii.EqualsIgnoreCase(verb, "PUT"u8) && count == 4)
            Put(line[parts[1]], line[parts[2]], line[parts[3]], sink);
        else if (Ascii.EqualsIgnoreCase(verb, "GET"u8) && count == 2)
            Get(line[parts[1]], sink);
        else if (Ascii.EqualsIgnoreCase(verb, "LIST"u8) && count == 1)
            List(sink);
        else if (Ascii.EqualsIgnoreCase(verb, "DEL"u8) && count == 2)
            Delete(line[parts[1]], sink);
        else if (Ascii.EqualsIgnoreCase(verb, "QUIT"u8) && count == 1)
        {
            Reply(sink, "OK bye");
            sink.Close(CloseReason.HandlerClosed);
        }
        else
            Reply(sink, "ERR unknown command (PUT <name> <size> <sha256>, GET <name>, LIST, DEL <name>, QUIT)");
    }

    private void Put(ReadOnlySpan<byte> nameBytes, ReadOnlySpan<byte> sizeText, ReadOnlySpan<byte> shaText, IConnectionSink sink)
    {
        if (!Utf8Parser.TryParse(sizeText, out long size, out var used) || used != sizeText.Length || size < 0)
        {
            // Without a size the body cannot be told from the next command.
            Fail(sink, "bad size");
            return;
        }
        var settings = store.Settings;
        if (size > settings.MaxFileSize)
        {
            Fail(sink, $"too large (max-file-size is {settings.MaxFileSize} bytes)");
            return;
        }
        if (store.FreeSpace() - size < settings.MinFreeSpace)
        {
            Fail(sink, "not enough disk space");
            return;
        }
        if (!FileNames.TryParse(nameBytes, out var name))
        {
            Refuse(sink, "bad name", size);
            return;
        }
        if (shaText.Length != 64 || !IsLowerHex(shaText))
        {
            Refuse(sink, "bad sha256 (64 lowercase hex digits)", size);
            return;
        }
        var upload = new Upload(store, name, size, Encoding.ASCII.GetString(shaText));
        _upload = upload;
        if (size == 0)
            FinishUpload(upload, sink);
    }

    /// <summary>Starts the next disk write; reading pauses while one is running, so input is paced by the disk.</summary>
    private void WriteUpload(Upload upload, IConnectionSink sink)
    {
        if (upload.StartWrite() is { } write)
        {
            var self = sink.Self;
            write.ContinueWith(done => self.Tell(new UploadWritten(upload, done.Exception?.InnerException)), TaskScheduler.Default);
        }
        if (upload.IsWriting)
            sink.PauseReading();
    }

    private void OnUploadWritten(UploadWritten written, IConnectionSink sink)
    {
        var upload = written.Upload;
        upload.OnWritten();
        if (written.Error is not null)
        {
            _upload = null;
            upload.Discard();
            Fail(sink, "could not store the file: " + written.Error.Message);
            return;
        }
        WriteUpload(upload, sink);
        if (!upload.IsWriting)
            sink.ResumeReading();
        if (upload.IsComplete)
            FinishUpload(upload, sink);
    }

    private void FinishUpload(Upload upload, IConnectionSink sink)
    {
        _upload = null;
        var actual = upload.ActualSha256();
        if (actual != upload.ExpectedSha256)
        {
            upload.Discard();
            Reply(sink, $"ERR checksum mismatch (got {actual})");
            return;
        }
        _waiting = true;
        var self = sink.Self;
        Task.Run(() => upload.Commit(store)).ContinueWith(
            done => self.Tell(new Committed(upload, done.Exception?.InnerException)), TaskScheduler.Default);
    }

    private void Get(ReadOnlySpan<byte> nameBytes, IConnectionSink sink)
    {
        if (!FileNames.TryParse(nameBytes, out var name))
        {
            Reply(sink, "ERR bad name");
            return;
        }
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
        _waiting = true;
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

    public bool OnMessage(object message, IConnectionSink sink)
    {
        switch (message)
        {
            case UploadWritten written when written.Upload == _upload:
                OnUploadWritten(written, sink);
                return true;
            case UploadWritten:
                return true; // an upload already discarded (its connection failed it)
            case Committed committed:
                _waiting = false;
                Reply(sink, committed.Error is null ? "OK " + committed.Upload.ExpectedSha256 : "ERR could not store the file: " + committed.Error.Message);
                return true;
            case Hashed hashed:
                _waiting = false;
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

    public void OnWritten(IConnectionSink sink) => Pump(sink);

    private void Delete(ReadOnlySpan<byte> nameBytes, IConnectionSink sink)
    {
        if (!FileNames.TryParse(nameBytes, out var name))
        {
            Reply(sink, "ERR bad name");
            return;
        }
        if (store.Find(name) is null)
        {
            Reply(sink, "ERR not found");
            return;
        }
        File.Delete(store.PathOf(name));
        store.ForgetChecksum(name);
        Reply(sink, "OK");
    }

    private void List(IConnectionSink sink)
    {
        foreach (var (name, size) in store.List())
            Reply(sink, string.Create(CultureInfo.InvariantCulture, $"{name} {size}"));
        Reply(sink, ".");
    }

    /// <summary>Refuses a PUT whose body still follows: the reply now, the body read and dropped.</summary>
    private void Refuse(IConnectionSink sink, string reason, long bodySize)
    {
        Reply(sink, "ERR " + reason);
        _discarding = bodySize;
    }

    /// <summary>Refuses and closes: for a PUT whose body is not worth reading (too large) or cannot be delimited.</summary>
    private void Fail(IConnectionSink sink, string reason)
    {
        Reply(sink, "ERR " + reason);
        sink.Close(CloseReason.ProtocolError);
    }

    private void Reply(IConnectionSink sink, string line) => lines.Encode(Encoding.UTF8.GetBytes(line), sink.Output);

    /// <summary>Splits on single spaces into at most parts.Length words (one more than any command has, so extra words show).</summary>
    private static int SplitWords(ReadOnlySpan<byte> line, Span<Range> parts)
    {
        var count = 0;
        var start = 0;
        while (count < parts.Length)
        {
            var space = line[start..].IndexOf((byte)' ');
            var end = space < 0 ? line.Length : start + space;
            parts[count++] = new Range(start, end);
            if (space < 0)
                break;
            start = end + 1;
        }
        return count;
    }

    private static bool IsLowerHex(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (!(b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f'))
                return false;
        }
        return true;
    }

    private void EndDownload()
    {
        _download?.Stream.Dispose();
        _download = null;
    }

    public void OnClosed()
    {
        _upload?.Discard();
        _upload = null;
        EndDownload();
    }
}
