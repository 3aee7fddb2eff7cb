using System.Text;

namespace AkkaTcp.Protocols;

/// <summary>The replies line protocols share: errors and the busy line.</summary>
public static class LineReplies
{
    public static ReadOnlySpan<byte> Busy => "ERR server busy"u8;

    /// <summary>"ERR &lt;message&gt;" (allocates: errors are rare and end the connection).</summary>
    public static byte[] Error(ProtocolError error) => Encoding.UTF8.GetBytes("ERR " + error.Message);
}
