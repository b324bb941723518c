using OrleansChat.Rooms;
using Orleans.Runtime;
using Orleans.Runtime.Services;

namespace OrleansChat.Grains.Sending;

/// <summary>References to the <see cref="ISendGateway"/> of a given silo.</summary>
public sealed class SendGateways(IServiceProvider services) : GrainServiceClient<ISendGateway>(services)
{
    public ISendGateway On(SiloAddress silo) => GetGrainService(silo);
}
