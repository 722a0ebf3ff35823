using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Engine.LoadTest.Gateway;

/// <summary>Kestrel under minimal hosting (<see cref="WebApplication.CreateSlimBuilder()"/>), one loopback endpoint served by <see cref="KestrelFrameHandler"/>.</summary>
/// <remarks>Default socket transport options unless <paramref name="inlineScheduling"/> asks for <c>UnsafePreferInlineScheduling</c>.</remarks>
public sealed class KestrelFrameServer : IDisposable
{
    private readonly WebApplication _app;

    /// <summary>Builds the host and starts it on a free loopback port.</summary>
    public KestrelFrameServer(bool inlineScheduling = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.UseConnectionHandler<KestrelFrameHandler>()));
        if (inlineScheduling) builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        _app = builder.Build();
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Port = new Uri(address).Port;
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>Stops the host (its clients have closed).</summary>
    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
