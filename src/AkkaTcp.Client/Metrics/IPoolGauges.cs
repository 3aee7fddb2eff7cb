namespace AkkaTcp.Client;

/// <summary>What a pool shows on the meter.</summary>
internal interface IPoolGauges
{
    string EndPointName { get; }

    int Connections { get; }

    int IdleConnections { get; }

    int WaitingCallers { get; }
}
