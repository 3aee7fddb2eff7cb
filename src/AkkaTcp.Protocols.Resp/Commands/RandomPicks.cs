using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>HRANDFIELD's and SRANDMEMBER's count rule: positive = that many distinct (at most all), negative = that many, repeats allowed.</summary>
internal static class RandomPicks
{
    /// <summary>
    /// The most picks a negative count may ask for. Redis streams any number; here a reply is built
    /// whole, so a count like -1000000000 would hold gigabytes: refused instead.
    /// </summary>
    public const long MaxRepeatedPicks = 1 << 20;

    public static readonly RespValue TooMany = RespValue.Error($"ERR value is out of range (at most {MaxRepeatedPicks} repeated picks)");

    public static IEnumerable<int> Slots<T>(SlotMap<T> map, long count)
    {
        if (count < 0)
        {
            for (long i = 0; i < -count; i++)
                yield return map.RandomSlot();
            yield break;
        }
        if (count >= map.Count)
        {
            for (var slot = 0; slot < map.SlotCount; slot++)
            {
                if (map.KeyAt(slot) is not null)
                    yield return slot;
            }
            yield break;
        }
        var picked = new HashSet<int>();
        while (picked.Count < count)
        {
            var slot = map.RandomSlot();
            if (picked.Add(slot))
                yield return slot;
        }
    }
}
