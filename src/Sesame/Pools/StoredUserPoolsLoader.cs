using Microsoft.Extensions.Hosting;

namespace Sesame.Pools;

/// <summary>
/// Reads the pools and app clients created through the API before anything serves: <see cref="StartingAsync"/> runs
/// before every hosted service's StartAsync, the web server's included, so no request (and no start-up task that
/// walks the pools) sees a snapshot without them. Awaited, not blocked on: a remote database must not hold a thread.
/// </summary>
internal sealed class StoredUserPoolsLoader(UserPools pools) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => pools.LoadStoredAsync(cancellationToken).AsTask();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
