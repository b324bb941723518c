using OrleansChat.Edge.Routing;
using OrleansChat.Users;

namespace OrleansChat.Tests.Unit;

public sealed class LocalRoutesTests
{
    [Fact]
    public void A_new_connection_is_routed_to_every_room_of_its_user()
    {
        var routes = new LocalRoutes();
        routes.AddConnection("alice", "c1");

        var change = routes.ApplyRooms("alice", new UserRooms(1, ["a", "b"]), newConnectionId: "c1");

        Assert.NotNull(change);
        Assert.Equal(["a", "b"], change.AllRooms.Order());
        Assert.Equal(["c1"], change.Connections);
        Assert.True(routes.HasLocalMembers("a"));
    }

    [Fact]
    public void A_second_connection_whose_list_is_older_than_a_concurrent_join_still_gets_every_room()
    {
        // The user's grain answered the second connect with version 1, then handled a join (version 2);
        // the join's update reached this node before the connect's answer did.
        var routes = new LocalRoutes();
        routes.AddConnection("alice", "c1");
        Assert.NotNull(routes.ApplyRooms("alice", new UserRooms(1, ["a"]), newConnectionId: "c1"));
        routes.AddConnection("alice", "c2");
        var join = routes.ApplyRooms("alice", new UserRooms(2, ["a", "b"]));
        Assert.NotNull(join);
        Assert.Equal(["b"], join.Added);

        var connect = routes.ApplyRooms("alice", new UserRooms(1, ["a"]), newConnectionId: "c2");

        Assert.NotNull(connect);
        Assert.Equal(["c2"], connect.Connections);
        Assert.Equal(["a", "b"], connect.AllRooms.Order());
        Assert.Empty(connect.Added);
        Assert.Empty(connect.Removed);
    }

    [Fact]
    public void A_second_connection_whose_list_is_older_than_a_concurrent_leave_is_not_routed_to_the_room_left()
    {
        var routes = new LocalRoutes();
        routes.AddConnection("alice", "c1");
        routes.ApplyRooms("alice", new UserRooms(1, ["a", "b"]), newConnectionId: "c1");
        routes.AddConnection("alice", "c2");
        var leave = routes.ApplyRooms("alice", new UserRooms(2, ["a"]));
        Assert.NotNull(leave);
        Assert.Equal(["b"], leave.Removed);

        var connect = routes.ApplyRooms("alice", new UserRooms(1, ["a", "b"]), newConnectionId: "c2");

        Assert.NotNull(connect);
        Assert.Equal(["a"], connect.AllRooms);
        Assert.False(routes.HasLocalMembers("b"));
    }

    [Fact]
    public void An_older_list_for_existing_connections_changes_nothing()
    {
        var routes = new LocalRoutes();
        routes.AddConnection("alice", "c1");
        routes.ApplyRooms("alice", new UserRooms(2, ["a", "b"]), newConnectionId: "c1");

        Assert.Null(routes.ApplyRooms("alice", new UserRooms(1, ["a"])));
        Assert.True(routes.HasLocalMembers("b"));
    }

    [Fact]
    public void A_list_for_a_user_without_local_connections_is_ignored()
    {
        var routes = new LocalRoutes();

        Assert.Null(routes.ApplyRooms("alice", new UserRooms(1, ["a"]), newConnectionId: "c1"));
        Assert.False(routes.HasLocalMembers("a"));
    }
}
