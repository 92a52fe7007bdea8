import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { AddUserForm } from "@/components/users/add-user-form";
import { UserRowActions } from "@/components/users/user-row-actions";
import { requireAdmin } from "@/lib/auth/guards";
import { getUsers } from "@/lib/auth/queries";
import { changeRoleAction, createUserAction, removeUserAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const admin = await requireAdmin();
  const users = await getUsers();
  return (
    <>
      <PageHeader
        title="Users"
        description="Admins edit rules, restart dynos and manage users; viewers see everything and change nothing."
      />
      <div className="grid gap-6">
        <Card title={`${users.length} ${users.length === 1 ? "user" : "users"}`}>
          <Table caption="Users">
            <thead>
              <tr>
                <Th>User</Th>
                <Th>Role</Th>
                <Th>Last sign-in</Th>
                <Th className="text-right">Change</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {users.map((user) => (
                <tr key={user.id}>
                  <Td>
                    <p className="font-medium">
                      {user.name}
                      {user.id === admin.id && (
                        <span className="ml-1 text-xs text-slate-500">(you)</span>
                      )}
                    </p>
                    <p className="text-xs text-slate-500 dark:text-slate-400">{user.email}</p>
                  </Td>
                  <Td>
                    <Badge tone={user.role === "admin" ? "info" : "neutral"}>{user.role}</Badge>
                  </Td>
                  <Td>
                    <RelativeTime iso={user.lastSignInAt?.toISOString() ?? null} relativeOnly />
                  </Td>
                  <Td>
                    <UserRowActions
                      userId={user.id}
                      email={user.email}
                      role={user.role}
                      isSelf={user.id === admin.id}
                      changeRole={changeRoleAction}
                      remove={removeUserAction}
                    />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card
          title="Add a user"
          description="They sign in with this email and password; share the password with them directly."
        >
          <AddUserForm action={createUserAction} />
        </Card>
      </div>
    </>
  );
}
