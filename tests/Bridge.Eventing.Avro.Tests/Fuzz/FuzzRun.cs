using System.Diagnostics;
using Xunit.Abstractions;

namespace Bridge.Eventing.Avro.Tests.Fuzz;

/// <summary>
/// Runs one decoder over seeded mutants and checks each outcome: a value, or one of the decoder's
/// documented exception types; nothing else, and no single input allocating more than 256 MB.
/// </summary>
public static class FuzzRun
{
    /// <summary>A single input allocating more than this fails the run: the decoders bound allocation by the input and their limits, far below it.</summary>
    public const long MaxBytesPerInput = 256L * 1024 * 1024;

    public sealed record Outcome(int Decoded, Dictionary<string, int> Rejected, long MaxAllocated, TimeSpan Elapsed)
    {
        public int RejectedTotal => Rejected.Values.Sum();

        public override string ToString() =>
            $"{Decoded} decoded, {RejectedTotal} rejected ({string.Join(", ", Rejected.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}"))}), " +
            $"at most {MaxAllocated / 1024} KiB allocated by one input, {Elapsed.TotalSeconds:F1} s";
    }

    public static Outcome Run(ITestOutputHelper output, string name, int iterations, int seed, Func<Random, byte[]> mutant,
        Action<byte[]> decode, params Type[] allowed)
    {
        var random = new Random(seed);
        var rejected = allowed.ToDictionary(t => t.Name, _ => 0);
        var decoded = 0;
        long maxAllocated = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var input = mutant(random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                decode(input);
                decoded++;
            }
            catch (Exception e) when (allowed.Contains(e.GetType()))
            {
                rejected[e.GetType().Name]++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{name}, input {i}: {e.GetType().Name} escaped from {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 200)))}\n{e}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            Assert.True(allocated <= MaxBytesPerInput, $"{name}, input {i}: {allocated} bytes allocated for {input.Length} bytes of input");
        }
        var outcome = new Outcome(decoded, rejected, maxAllocated, clock.Elapsed);
        output.WriteLine($"{name}: {iterations} inputs: {outcome}");
        return outcome;
    }
}
