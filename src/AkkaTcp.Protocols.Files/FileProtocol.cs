using System.Buffers;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// Network file transfer into one directory (<c>file.root</c>): PUT, GET, LIST, DEL, QUIT on a
/// line-framed control channel, bodies as raw bytes, sizes and sha256 checked, uploads renamed
/// into place only when complete. See <see cref="FileSession"/>.
/// </summary>
public sealed class FileProtocol : IProtocol
{
    private readonly LineCodec _lines;

    public FileProtocol(ProtocolContext context)
    {
        _lines = LineCodecSettings.CreateCodec(context);
        var settings = FileSettings.Read(context.Config.Section("file"));
        try
        {
            Store = new FileStore(settings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Configuration.InvalidConfigException(context.Config.FullKey("file.root"), settings.Root, $"cannot create or open the directory: {e.Message}");
        }
    }

    internal FileStore Store { get; }

    public IProtocolSession OpenSession(ConnectionInfo connection) => new FileSession(Store, _lines);

    public void WriteBusyReply(IBufferWriter<byte> output) => _lines.Encode(LineReplies.Busy, output);
}
