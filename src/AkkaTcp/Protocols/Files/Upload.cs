using System.Security.Cryptography;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// An upload in progress: its bytes go to a hidden temporary file in the root as they arrive
/// (never the whole file in memory), hashed on the way. Only <see cref="Commit"/> puts it in
/// place, by an atomic rename; <see cref="Discard"/> leaves nothing behind.
/// </summary>
internal sealed class Upload
{
    private readonly string _temporaryPath;
    private readonly FileStream _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public Upload(FileStore store, string name, long size, string expectedSha256)
    {
        Name = name;
        Remaining = size;
        ExpectedSha256 = expectedSha256;
        _temporaryPath = store.TemporaryPath();
        // Unbuffered: each received chunk is one write(2) into the page cache.
        _stream = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
    }

    public string Name { get; }

    public long Remaining { get; private set; }

    public string ExpectedSha256 { get; }

    /// <summary>Writes received bytes. A write into the page cache takes microseconds; the fsync waits for <see cref="Commit"/>, off the actor.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        _stream.Write(data);
        _hash.AppendData(data);
        Remaining -= data.Length;
    }

    public string ActualSha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>Flushes to disk and renames over the target (the old version stays whole until then). Blocking: run it off the actor.</summary>
    public void Commit(FileStore store)
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temporaryPath, store.PathOf(Name), overwrite: true);
        store.RecordChecksum(Name, ExpectedSha256);
    }

    /// <summary>Drops the temporary file: a bad checksum, a short body, a disconnect, a shutdown.</summary>
    public void Discard()
    {
        _stream.Dispose();
        _hash.Dispose();
        File.Delete(_temporaryPath);
    }
}
