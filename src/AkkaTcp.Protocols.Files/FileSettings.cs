using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols.Files;

/// <summary>The file protocol's settings (a server block's <c>file { ... }</c>), validated once.</summary>
internal sealed record FileSettings(string Root, long MaxFileSize, long MinFreeSpace, int ChunkSize)
{
    public static FileSettings Read(ConfigReader file)
    {
        var root = file.ExactString("root");
        if (root.Length == 0)
            throw new InvalidConfigException(file.FullKey("root"), root, "must name a directory");
        return new FileSettings(
            root,
            file.LongByteSize("max-file-size", 0, long.MaxValue),
            file.LongByteSize("min-free-space", 0, long.MaxValue),
            file.ByteSize("chunk-size", 1024, 16 * 1024 * 1024));
    }
}
