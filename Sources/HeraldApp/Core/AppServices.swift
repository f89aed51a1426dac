import Foundation
import Logging
import Storage

/// The long-lived parts every route and worker shares, built once per process.
public struct AppServices: Sendable {
    public let database: Database
    public let workspaces: WorkspaceStore
    public let keys: APIKeyStore
    public let users: UserStore
    public let sessions: SessionStore
    public let contacts: ContactStore
    let fields: CustomFieldStore
    let orders: OrderStore
    public let jobs: JobQueue

    public init(database: Database, bcryptCost: UInt8 = 11) {
        self.database = database
        self.workspaces = WorkspaceStore(database: database)
        self.keys = APIKeyStore(database: database)
        self.users = UserStore(database: database, bcryptCost: bcryptCost)
        self.sessions = SessionStore(database: database)
        self.contacts = ContactStore(database: database)
        self.fields = CustomFieldStore(database: database)
        self.orders = OrderStore(database: database, contacts: contacts)
        self.jobs = JobQueue(database: database)
    }
}
