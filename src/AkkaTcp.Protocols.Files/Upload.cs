using System.Buffers;
using System.Security.Cryptography;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// An upload in progress: its bytes go to a hidden temporary file in the root as they arrive
/// (never the whole file in memory), hashed on the way. Writes are asynchronous, one at a time;
/// bytes that arrive meanwhile are gathered for the next one (the session pauses reading, so
/// that is at most a chunk or two). Only <see cref="Commit"/> puts the file in place, by an
/// atomic rename; <see cref="Discard"/> leaves nothing behind.
/// </summary>
internal sealed class Upload
{
    private readonly string _temporaryPath;
    private readonly FileStream _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _gathered = [];
    private int _gatheredCount;
    private byte[]? _writing;
    private long _written;

    public Upload(FileStore store, string name, long size, string expectedSha256)
    {
        Name = name;
        Remaining = size;
        ExpectedSha256 = expectedSha256;
        _temporaryPath = store.TemporaryPath();
        _stream = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
    }

    public string Name { get; }

    /// <summary>Body bytes not yet received.</summary>
    public long Remaining { get; private set; }

    public string ExpectedSha256 { get; }

    public bool IsWriting => _writing is not null;

    /// <summary>Every byte received and written.</summary>
    public bool IsComplete => Remaining == 0 && _gatheredCount == 0 && _writing is null;

    /// <summary>Takes received body bytes: hashed now, written by the next <see cref="StartWrite"/>.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Remaining -= data.Length;
        if (_gathered.Length - _gatheredCount < data.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_gatheredCount + data.Length, 64 * 1024));
            _gathered.AsSpan(0, _gatheredCount).CopyTo(bigger);
            Return(_gathered);
            _gathered = bigger;
        }
        data.CopyTo(_gathered.AsSpan(_gatheredCount));
        _gatheredCount += data.Length;
    }

    /// <summary>Writes what is gathered, if nothing is being written; the task completes when it is in the page cache.</summary>
    public Task? StartWrite()
    {
        if (_writing is not null || _gatheredCount == 0)
            return null;
        _writing = _gathered;
        var count = _gatheredCount;
        _gathered = [];
        _gatheredCount = 0;
        var at = _written;
        _written += count;
        return RandomAccess.WriteAsync(_stream.SafeFileHandle, _writing.AsMemory(0, count), at).AsTask();
    }

    public void OnWritten()
    {
        Return(_writing);
        _writing = null;
    }

    public string ActualSha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>Flushes to disk and renames over the target (the old version stays whole until then). Blocking: run it off the actor.</summary>
    public void Commit(FileStore store)
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        store.Commit(_temporaryPath, Name, ExpectedSha256);
    }

    /// <summary>Drops the temporary file: a bad checksum, a short body, a disconnect, a shutdown.</summary>
    public void Discard()
    {
        _stream.Dispose();
        _hash.Dispose();
        Return(_gathered);
        _gathered = [];
        _gatheredCount = 0;
        File.Delete(_temporaryPath);
    }

    private static void Return(byte[]? buffer)
    {
        if (buffer is { Length: > 0 })
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
