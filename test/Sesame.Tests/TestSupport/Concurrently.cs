namespace Sesame.Tests.TestSupport;

/// <summary>Runs one call many times at once (all released together), so a store or service that lets callers interleave shows it.</summary>
internal static class Concurrently
{
    public static async Task<T[]> RunAsync<T>(int callers, Func<ValueTask<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await call();
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
