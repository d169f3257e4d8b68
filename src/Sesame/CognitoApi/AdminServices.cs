using Microsoft.Extensions.DependencyInjection.Extensions;
using Sesame.Admin;
using Sesame.CognitoApi.Operations;

namespace Sesame.CognitoApi;

internal static class AdminServices
{
    /// <summary>IAM-style authentication of admin operations, and the IAM-authorised operations themselves.</summary>
    public static IServiceCollection AddSesameAdmin(this IServiceCollection services)
    {
        services.TryAddSingleton<SigV4>();
        services.TryAddSingleton<UserPoolAdmin>();
        services.TryAddSingleton<UserImport>();
        services.TryAddSingleton<CognitoUserCsv>();
        services.TryAddSingleton<JsonLinesUsers>();
        services.AddSingleton<ICognitoOperation, AdminCreateUser>();
        services.AddSingleton<ICognitoOperation, AdminGetUser>();
        services.AddSingleton<ICognitoOperation, ListUsers>();
        services.AddSingleton<ICognitoOperation, AdminInitiateAuth>();
        services.AddSingleton<ICognitoOperation, AdminRespondToAuthChallenge>();
        services.AddSingleton<ICognitoOperation, CreateUserPool>();
        services.AddSingleton<ICognitoOperation, DescribeUserPool>();
        services.AddSingleton<ICognitoOperation, ListUserPools>();
        services.AddSingleton<ICognitoOperation, CreateUserPoolClient>();
        services.AddSingleton<ICognitoOperation, DescribeUserPoolClient>();
        services.AddSingleton<ICognitoOperation, CreateGroup>();
        services.AddSingleton<ICognitoOperation, GetGroup>();
        services.AddSingleton<ICognitoOperation, ListGroups>();
        services.AddSingleton<ICognitoOperation, UpdateGroup>();
        services.AddSingleton<ICognitoOperation, DeleteGroup>();
        services.AddSingleton<ICognitoOperation, AdminAddUserToGroup>();
        services.AddSingleton<ICognitoOperation, AdminRemoveUserFromGroup>();
        services.AddSingleton<ICognitoOperation, AdminListGroupsForUser>();
        services.AddSingleton<ICognitoOperation, ListUsersInGroup>();
        services.AddSingleton<ICognitoOperation, UpdateUserPool>();
        services.AddSingleton<ICognitoOperation, AddCustomAttributes>();
        services.AddSingleton<ICognitoOperation, DeleteUserPool>();
        services.AddSingleton<ICognitoOperation, UpdateUserPoolClient>();
        services.AddSingleton<ICognitoOperation, DeleteUserPoolClient>();
        services.AddSingleton<ICognitoOperation, ListUserPoolClients>();
        services.AddSingleton<ICognitoOperation, AdminSetUserPassword>();
        services.AddSingleton<ICognitoOperation, AdminResetUserPassword>();
        services.AddSingleton<ICognitoOperation, AdminConfirmSignUp>();
        services.AddSingleton<ICognitoOperation, AdminDeleteUserAttributes>();
        return services;
    }
}
