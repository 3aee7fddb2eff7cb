using Akka.Actor;

namespace AkkaTcp.Listening;

/// <summary>
/// A listener's drain: who asked for it and when, and how many connections have finished (sent
/// everything they owed and their FIN) since. Once started it stays started, so connections that
/// leave the waiting room later are drained rather than admitted; each request is answered once.
/// </summary>
internal sealed class DrainProgress
{
    private IActorRef? _requester;
    private long _startedAt;
    private bool _answered;

    public bool IsDraining => _requester is not null;

    public int Drained { get; private set; }

    /// <param name="alreadyFinished">Connections that had finished before the drain began: they owe nothing.</param>
    public void Start(IActorRef requester, int alreadyFinished)
    {
        _requester = requester;
        _startedAt = Environment.TickCount64;
        _answered = false; // asked again: answered again
        Drained = alreadyFinished;
    }

    public void OnFinished() => Drained++;

    /// <summary>The result for the requester, once: false if the drain was not started or is answered already.</summary>
    public bool TryAnswer(int stillOwing, out IActorRef requester, out DrainResult result)
    {
        requester = _requester ?? ActorRefs.Nobody;
        result = new DrainResult(Drained, stillOwing, TimeSpan.FromMilliseconds(Environment.TickCount64 - _startedAt));
        if (_requester is null || _answered)
            return false;
        _answered = true;
        return true;
    }
}
