using AkkaTcp.Configuration;

namespace AkkaTcp.Listening;

/// <summary>New live settings for a running server (see <see cref="LiveSettings"/>); answered with Akka.Done once the listener has them.</summary>
internal sealed record UpdateSettings(ServerSettings Settings);
