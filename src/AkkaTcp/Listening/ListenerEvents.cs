using System.Net;

namespace AkkaTcp.Listening;

/// <summary>The listener's port is open (sent to its supervisor, on the first bind and on every re-bind).</summary>
internal sealed record ListenerBound(EndPoint LocalEndPoint);

/// <summary>The listener's first bind failed; the server cannot start.</summary>
internal sealed record ListenerBindFailed(string Reason);
