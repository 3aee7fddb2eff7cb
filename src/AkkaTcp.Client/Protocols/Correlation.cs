namespace AkkaTcp.Client;

/// <summary>How a protocol's replies are matched to the requests they answer.</summary>
public enum Correlation
{
    /// <summary>Replies come in request order (pipelining: line protocols, resp).</summary>
    ByOrder,

    /// <summary>Each reply carries its request's id and may come in any order (json-rpc).</summary>
    ById,
}
