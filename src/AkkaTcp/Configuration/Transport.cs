namespace AkkaTcp.Configuration;

/// <summary>What a server listens with: TCP connections, or UDP datagrams.</summary>
public enum Transport
{
    Tcp,
    Udp,
}
