namespace AkkaTcp.Protocols.Files;

/// <summary>
/// A download in progress: the open file (kept open, so a replacement uploaded meanwhile does not
/// change what this client gets) and how far it has been read. Reads are asynchronous, one at a
/// time, and start only while the client has less than two chunks left to read.
/// </summary>
internal sealed class Download(FileStream stream)
{
    public FileStream Stream { get; } = stream;

    public long Length { get; } = stream.Length;

    public long Offset { get; set; }

    public bool Reading { get; set; }

    public long Remaining => Length - Offset;
}
