using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Akka.Actor;
using AkkaTcp.Protocols;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// One connection of the file protocol. Commands are lines; a PUT's body and a GET's reply are
/// raw bytes. One command at a time: while a download streams or an upload is committed the
/// session is busy and leaves later commands unread (they are served after it, in order).
/// Disk work that can take long (fsync and rename here, hashing and reading in
/// <see cref="Downloader"/>) runs off the actor and comes back as a message.
/// </summary>
internal sealed class FileSession(FileStore store, LineCodec lines) : IProtocolSession
{
    private sealed record Committed(Upload Upload, Exception? Error);

    private sealed record UploadWritten(Upload Upload, Exception? Error);

    private Upload? _upload;
    private long _discarding;
    private readonly Downloader _downloads = new(store, lines);
    private bool _committing;

    /// <summary>Streaming a download, finishing an upload's writes, or waiting for a commit.</summary>
    public bool IsBusy => _downloads.IsBusy || _committing || _upload is { Remaining: 0 };

    private IConnectionSink _sink = null!;

    public void OnConnected(IConnectionSink sink) => _sink = sink;

    public int OnReceived(ReadOnlySpan<byte> input)
    {
        var sink = _sink;
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
        _committing = true;
        var self = sink.Self;
        Task.Run(() => upload.Commit(store)).ContinueWith(
            done => self.Tell(new Committed(upload, done.Exception?.InnerException)), TaskScheduler.Default);
    }

    private void Get(ReadOnlySpan<byte> nameBytes, IConnectionSink sink)
    {
        if (FileNames.TryParse(nameBytes, out var name))
            _downloads.Start(name, sink);
        else
            Reply(sink, "ERR bad name");
    }

    public bool OnMessage(object message)
    {
        var sink = _sink;
        switch (message)
        {
            case UploadWritten written when written.Upload == _upload:
                OnUploadWritten(written, sink);
                return true;
            case UploadWritten:
                return true; // an upload already discarded (its connection failed it)
            case Committed committed:
                _committing = false;
                Reply(sink, committed.Error is null ? "OK " + committed.Upload.ExpectedSha256 : "ERR could not store the file: " + committed.Error.Message);
                return true;
            default:
                return _downloads.OnMessage(message, sink);
        }
    }

    public void OnWritten() => _downloads.OnWritten(_sink);

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
        store.Delete(name);
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

    private void Reply(IConnectionSink sink, string line) => lines.EncodeText(line, sink.Output);

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

    public void OnClosed()
    {
        _upload?.Discard();
        _upload = null;
        _downloads.Stop();
    }
}
