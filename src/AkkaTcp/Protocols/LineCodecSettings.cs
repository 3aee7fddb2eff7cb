using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols;

/// <summary>Reads the keys of line protocols (line-delimiter) and builds their codec.</summary>
public static class LineCodecSettings
{
    public static LineCodec CreateCodec(ProtocolContext context)
    {
        var delimiter = context.Config.ExactString("line-delimiter");
        if (delimiter.Length != 1 || delimiter[0] > 127)
            throw new InvalidConfigException(context.Config.FullKey("line-delimiter"), Escape(delimiter), "must be exactly one ASCII character, e.g. \"\\n\"");
        return new LineCodec((byte)delimiter[0], context.MaxFrameSize);
    }

    private static string Escape(string value) => "\"" + value.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "\"";
}
