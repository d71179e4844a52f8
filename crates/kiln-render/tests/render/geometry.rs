//! `Point` and `Rect`: one `(x, y)` convention, corners, containment, canvas methods.

use kiln_render::{BLUE, Canvas, Marker, Point, RED, Rect, WHITE};

use crate::changed;

#[test]
fn rect_from_corners_in_any_order() {
    let r = Rect::from_corners(Point::new(7, 2), Point::new(3, 5));
    assert_eq!(r, Rect::new(3, 2, 5, 4), "columns 3..=7, rows 2..=5");
    assert_eq!((r.right(), r.bottom()), (8, 6));
    assert_eq!(r.top_left(), Point::new(3, 2));
    assert!(r.contains(Point::new(7, 5)) && !r.contains(Point::new(8, 5)) && !r.contains(Point::new(3, 6)));
    assert!(Rect::new(0, 0, 0, 3).is_empty() && !r.is_empty());
    let huge = Rect::from_corners(Point::new(i32::MIN, 0), Point::new(i32::MAX, 0));
    assert_eq!(huge.width, u32::MAX, "saturates");
    assert_eq!(Point::new(i32::MAX, 0).offset(5, -1), Point::new(i32::MAX, -1));
    assert_eq!(Point::from((4, 9)), Point::new(4, 9));
}

#[test]
fn canvas_draws_in_x_then_y() {
    // A wide, short canvas: x runs to 40, y only to 10, so a swapped order would clip.
    let mut canvas = Canvas::new(40, 10);
    canvas.fill_rect(Rect::new(30, 2, 5, 3), RED);
    assert_eq!(*canvas.image().get_pixel(30, 2), RED);
    assert_eq!(*canvas.image().get_pixel(34, 4), RED);
    assert_eq!(changed(canvas.image(), WHITE), 15);
    canvas.line(Point::new(0, 9), Point::new(39, 9), BLUE, 1).marker(Point::new(20, 5), Marker::Square, 1, BLUE);
    assert_eq!(*canvas.image().get_pixel(39, 9), BLUE);
    assert_eq!(*canvas.image().get_pixel(21, 6), BLUE);
    assert_eq!(changed(canvas.image(), WHITE), 15 + 40 + 9);
}
