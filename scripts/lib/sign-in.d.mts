export function issuePersonalToken(apiUrl: string, options: { email: string; password: string; name: string }): Promise<{ secret: string; id: string; prefix: string }>;
