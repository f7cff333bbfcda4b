/// A mouse action on a cell of the terminal: a click (a double click when it follows a click on the same
/// cell quickly), or the wheel.
package struct MouseEvent: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case click, doubleClick, wheelUp, wheelDown
    }

    package var kind: Kind
    package var x: Int
    package var y: Int

    package init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
