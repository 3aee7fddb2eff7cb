namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>A message resp may send to another node: serialized by <see cref="KeyspaceSerializer"/> (bound in reference.conf).</summary>
internal interface IClusterMessage;
