using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>HRANDFIELD's and SRANDMEMBER's count rule: positive = that many distinct (at most all), negative = that many, repeats allowed.</summary>
internal static class RandomPicks
{
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
