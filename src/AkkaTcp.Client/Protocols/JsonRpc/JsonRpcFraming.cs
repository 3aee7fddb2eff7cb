namespace AkkaTcp.Client;

/// <summary>How JSON-RPC messages are delimited; must match the server's json-rpc.framing.</summary>
public enum JsonRpcFraming
{
    /// <summary>One message per line.</summary>
    Lines,

    /// <summary>A "Content-Length: N" header block before each message (LSP style).</summary>
    ContentLength,
}
