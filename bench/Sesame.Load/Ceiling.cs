using System.Security.Cryptography;
using System.Text;

namespace Sesame.Load;

/// <summary>The signing ceiling: RS256 (RSA-2048, PKCS#1 v1.5, SHA-256) signatures per second on N threads.</summary>
internal sealed record CeilingResult(int Threads, double Seconds, double Rs256SignsPerSecond)
{
    /// <summary>A sign-in signs two tokens (ID and access).</summary>
    public double SigninsPerSecond => Rs256SignsPerSecond / 2;
}

internal static class Ceiling
{
    public static CeilingResult Measure(int threads, TimeSpan duration)
    {
        using var key = RSA.Create(2048);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        // About the size of an ID token's header and payload.
        var data = Encoding.ASCII.GetBytes(new string('x', 700));
        var counts = new long[threads];
        var start = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            using var rsa = RSA.Create(parameters);
            rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            start.SignalAndWait();
            var clock = Timer.Start();
            long n = 0;
            while (clock.Elapsed < duration)
            {
                rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                n++;
            }

            counts[i] = n;
        }) { IsBackground = true }).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        start.SignalAndWait();
        var total = Timer.Start();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        var seconds = total.Elapsed.TotalSeconds;
        start.Dispose();
        return new CeilingResult(threads, seconds, counts.Sum() / seconds);
    }
}
